package io.hotpath.daemon.testkit;

import io.hotpath.wire.MetricKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A tiny "service" for the remediation tests, run as its own process: it writes calls of one
 * series ({@code metric=handle}) into the spool as an agent would, 200 calls/s at about 2 ms. Its
 * latency turns to about 150 ms
 * <ul>
 *   <li>{@code faultAfterMillis} after it started (an in-process fault: a restart fixes it), and</li>
 *   <li>while {@code brokenFile} exists (a broken dependency: a restart does not fix it).</li>
 * </ul>
 * Writes its pid to {@code pidFile}; runs until killed (SIGTERM closes its queue cleanly).
 *
 * <p>Arguments: {@code spool service pidFile faultAfterMillis(-1: never) brokenFile}.
 */
public final class FaultyService
{
    private FaultyService()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path spool = Path.of(args[0]);
        final String service = args[1];
        final Path pidFile = Path.of(args[2]);
        final long faultAfter = Long.parseLong(args[3]);
        final Path brokenFile = Path.of(args[4]);
        final long started = System.currentTimeMillis();
        final TestQueueWriter writer = new TestQueueWriter(spool, service, ProcessHandle.current().pid(), started, true);
        writer.defineSeries(1, MetricKind.TRANSPORT, "handle", "endpoint", "/pay");
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            synchronized (writer)
            {
                try
                {
                    writer.close(true);
                }
                catch (final Exception e)
                {
                    // exiting anyway
                }
            }
        }));
        Files.writeString(pidFile, Long.toString(ProcessHandle.current().pid()));
        final int perBatch = 20;
        final int[] ids = new int[perBatch];
        java.util.Arrays.fill(ids, 1);
        final long[] ends = new long[perBatch];
        final long[] durations = new long[perBatch];
        while (true)
        {
            final long now = System.currentTimeMillis();
            final boolean slow = faultAfter >= 0 && now - started >= faultAfter || Files.exists(brokenFile);
            for (int i = 0; i < perBatch; i++)
            {
                ends[i] = (now * 1_000_000L) - (perBatch - i) * 5_000_000L;
                final double base = slow ? 150e6 : 2e6;
                durations[i] = (long)(base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
            }
            synchronized (writer)
            {
                writer.writeBatch(ids, ends, durations, null, 100);
            }
            Thread.sleep(100);
        }
    }
}
