package io.hotpath.daemon.testkit;

import io.hotpath.wire.MetricKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny "service" for the remediation tests, run as its own process: it writes calls of two
 * series ({@code metric=handle}, endpoints /pay and /refund) into the spool as an agent would, 100
 * calls/s each at about 2 ms. Its
 * latency turns to about 150 ms
 * <ul>
 *   <li>{@code faultAfterMillis} after it started, or for good once {@code latchFile} has existed
 *       (an in-process fault: a restart fixes it), and</li>
 *   <li>while {@code brokenFile} exists (a broken dependency: a restart does not fix it).</li>
 * </ul>
 * Writes its pid to {@code pidFile}; runs until killed (SIGTERM closes its queue cleanly).
 *
 * <p>Arguments: {@code spool service pidFile faultAfterMillis(-1: never) brokenFile [latchFile]}.
 */
public final class FaultyService
{
    private FaultyService()
    {
    }

    /** The command that starts it, for a test or a restart script: this JVM's java and class path. */
    public static List<String> command(final Path spool, final String service, final Path pidFile, final long faultAfterMillis,
        final Path brokenFile)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-Dchronicle.analytics.disable=true",
            "-Dchronicle.announcer.disable=true"));
        for (final String module : new String[] { "java.base/jdk.internal.ref", "java.base/jdk.internal.misc", "java.base/sun.nio.ch",
            "jdk.unsupported/sun.misc" })
        {
            command.add("--add-exports=" + module + "=ALL-UNNAMED");
        }
        for (final String module : new String[] { "java.base/java.lang", "java.base/java.lang.reflect", "java.base/java.io",
            "java.base/java.util", "java.base/sun.nio.ch", "java.base/jdk.internal.ref" })
        {
            command.add("--add-opens=" + module + "=ALL-UNNAMED");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FaultyService.class.getName(),
            spool.toString(), service, pidFile.toString(), Long.toString(faultAfterMillis), brokenFile.toString()));
        return command;
    }

    /** Started from a test, turning slow for good once {@code latchFile} exists. */
    public static ExternalProcess startLatched(final Path spool, final String service, final Path pidFile, final Path latchFile,
        final Path log) throws IOException
    {
        final List<String> command = command(spool, service, pidFile, -1, latchFile.resolveSibling("never-broken"));
        command.add(latchFile.toString());
        return new ExternalProcess("faulty-service", command, log);
    }

    /** Started from a test. */
    public static ExternalProcess start(final Path spool, final String service, final Path pidFile, final long faultAfterMillis,
        final Path brokenFile, final Path log) throws IOException
    {
        return new ExternalProcess("faulty-service", command(spool, service, pidFile, faultAfterMillis, brokenFile), log);
    }

    public static void main(final String[] args) throws Exception
    {
        final Path spool = Path.of(args[0]);
        final String service = args[1];
        final Path pidFile = Path.of(args[2]);
        final long faultAfter = Long.parseLong(args[3]);
        final Path brokenFile = Path.of(args[4]);
        final Path latchFile = args.length > 5 ? Path.of(args[5]) : null;
        boolean latched = false;
        final long started = System.currentTimeMillis();
        final TestQueueWriter writer = new TestQueueWriter(spool, service, ProcessHandle.current().pid(), started, true);
        writer.defineSeries(1, MetricKind.TRANSPORT, "handle", "endpoint", "/pay");
        writer.defineSeries(2, MetricKind.TRANSPORT, "handle", "endpoint", "/refund");
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
        for (int i = 0; i < perBatch; i++)
        {
            ids[i] = 1 + i % 2;
        }
        final long[] ends = new long[perBatch];
        final long[] durations = new long[perBatch];
        while (true)
        {
            final long now = System.currentTimeMillis();
            latched |= faultAfter >= 0 && now - started >= faultAfter || latchFile != null && Files.exists(latchFile);
            final boolean slow = latched || Files.exists(brokenFile);
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
