package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.state.CheckpointStore;
import io.hotpath.daemon.testkit.DaemonProcess;
import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.MetricKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.Arrays;

/**
 * The checkpoint cadence at a low rate (issue 17): while a queue delivers a few hundred samples a second the
 * real daemon does not rewrite its checkpoint every second (10 s apart, {@code CheckpointCadence}), yet after
 * {@code kill -9} — with samples read since the last checkpoint — the restarted daemon's counts are exact:
 * what the checkpoint did not hold is read again, once.
 */
class CheckpointCadenceIT
{
    private static final Pattern STAMP = Pattern.compile("\"writtenAtEpochMillis\":(\\d+)");
    private static final String SERIES = "{service=\"slow\",metric=\"transport_send\",kind=\"transport\",transport=\"quic\"," +
        "outcome=\"ok\",error_type=\"\"}";

    @TempDir
    Path temp;

    private final AtomicLong written = new AtomicLong();
    private volatile boolean stop;

    @Test
    void atALowRateNoCheckpointEverySecondYetExactAfterKill9() throws Exception
    {
        final Path spool = temp.resolve("spool");
        final Path state = temp.resolve("state");
        final Path checkpoint = state.resolve(CheckpointStore.FILE_NAME);
        DaemonProcess daemon = DaemonProcess.start(spool, state, temp.resolve("hotpathd-0.log"));
        final Thread producer = new Thread(() -> produce(spool), "producer");
        producer.start();
        try
        {
            // samples are read (the first capture, at the first rotation, is behind us)
            awaitCalls(daemon, 1, Duration.ofSeconds(60));
            final Set<Long> stamps = new TreeSet<>();
            final long watchUntil = System.nanoTime() + Duration.ofSeconds(7).toNanos();
            while (System.nanoTime() < watchUntil)
            {
                stamps.add(stamp(checkpoint));
                Thread.sleep(100);
            }
            assertTrue(stamps.size() <= 2, "at ~300 samples/s, 7 s saw checkpoints written at " + stamps +
                " (every second would be ~7)\n" + daemon.log());
            // /metrics and a capture both follow a rotation: a rotation without a capture shows more than the file
            final long ahead = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            long read = calls(daemon);
            long inCheckpoint = checkpointedCalls(checkpoint);
            while (read <= inCheckpoint && System.nanoTime() < ahead)
            {
                Thread.sleep(300);
                read = calls(daemon);
                inCheckpoint = checkpointedCalls(checkpoint);
            }
            assertTrue(read > inCheckpoint, "samples were read since the last checkpoint (" + read + " > " + inCheckpoint +
                "): the restart must read them again");

            daemon.kill();
            daemon = DaemonProcess.start(spool, state, temp.resolve("hotpathd-1.log"));
            stop = true;
            producer.join(30_000);
            final long want = written.get();
            awaitCalls(daemon, want, Duration.ofSeconds(30));
            Thread.sleep(2_000);
            assertEquals(want, calls(daemon), "exact after kill -9, nothing counted twice\n" + daemon.log());
        }
        finally
        {
            stop = true;
            daemon.close();
        }
    }

    /** ~300 samples/s: 30 every 100 ms. */
    private void produce(final Path spool)
    {
        try (TestQueueWriter writer = TestQueueWriter.create(spool, "slow", System.currentTimeMillis()))
        {
            writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "quic");
            final int n = 30;
            final int[] ids = new int[n];
            final long[] ends = new long[n];
            final long[] durations = new long[n];
            Arrays.fill(ids, 1);
            Arrays.fill(durations, 1_000_000);
            while (!stop)
            {
                Arrays.fill(ends, System.currentTimeMillis() * 1_000_000L);
                writer.writeBatch(ids, ends, durations, null, 64);
                written.addAndGet(n);
                Thread.sleep(100);
            }
        }
        catch (final Exception e)
        {
            throw new IllegalStateException(e);
        }
    }

    private static long stamp(final Path checkpoint) throws Exception
    {
        if (!Files.exists(checkpoint))
        {
            return 0;
        }
        final Matcher m = STAMP.matcher(Files.readString(checkpoint));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** The series' okCalls in the checkpoint on disk. */
    private static long checkpointedCalls(final Path checkpoint) throws Exception
    {
        final Matcher m = Pattern.compile("\"okCalls\":(\\d+)").matcher(Files.readString(checkpoint));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static long calls(final DaemonProcess daemon) throws Exception
    {
        final Map<String, Double> samples = MetricsText.samples(daemon.metrics(), "hotpath_calls_total");
        return samples.getOrDefault(SERIES, 0.0).longValue();
    }

    private static void awaitCalls(final DaemonProcess daemon, final long atLeast, final Duration timeout) throws Exception
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (calls(daemon) < atLeast && System.nanoTime() < deadline)
        {
            Thread.sleep(200);
        }
        assertTrue(calls(daemon) >= atLeast, "read " + calls(daemon) + " of " + atLeast + "\n" + daemon.log());
    }
}
