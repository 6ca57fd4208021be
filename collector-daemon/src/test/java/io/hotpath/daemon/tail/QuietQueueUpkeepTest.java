package io.hotpath.daemon.tail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.MetricKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-queue upkeep of a quiet queue runs every {@value UpkeepSchedule#QUIET_UPKEEP_MILLIS} ms,
 * not at every spool scan ({@link UpkeepSchedule}), and retention every
 * {@value SpoolTailers#RETENTION_INTERVAL_MILLIS} ms: a queue quiet for long is still read as soon as
 * it is written, a roll to a new cycle file is followed at the next scan, a killed agent's queue is
 * still finished, and retention still deletes. Scans are driven with a chosen clock.
 */
class QuietQueueUpkeepTest
{
    @TempDir
    Path spool;

    private final long now = System.currentTimeMillis();

    private SpoolTailers tailers(final SpoolRetention retention)
    {
        return new SpoolTailers(spool, new Aggregator(AggregationSettings.defaults(), now), new IngestCounters(), retention);
    }

    /** Defines the series, writes {@code n} samples, scans and reads them: the queue's tailer, caught up. */
    private QueueTailer readFirst(final SpoolTailers tailers, final TestQueueWriter writer, final int n) throws Exception
    {
        writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "quic");
        samples(writer, n);
        tailers.scan(now);
        final QueueTailer tailer = tailers.tailers().iterator().next();
        assertEquals(n, pollUntil(tailers, tailer, n, now));
        return tailer;
    }

    private static void samples(final TestQueueWriter writer, final int n)
    {
        final int[] ids = new int[n];
        final long[] ends = new long[n];
        final long[] durations = new long[n];
        for (int i = 0; i < n; i++)
        {
            ids[i] = 1;
            ends[i] = System.currentTimeMillis() * 1_000_000L;
            durations[i] = 1_000 + i;
        }
        writer.writeBatch(ids, ends, durations, null, 10);
    }

    /** Polls (no scan) until {@code want} samples are counted or 5 s have passed, as the loop's idle polls would. */
    private static long pollUntil(final SpoolTailers tailers, final QueueTailer tailer, final long want, final long at) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (tailer.state().samplesCounted < want && System.nanoTime() < deadline)
        {
            if (tailers.pollAll(100, at) == 0)
            {
                Thread.sleep(10);
            }
        }
        return tailer.state().samplesCounted;
    }

    @Test
    void aQueueQuietForLongIsReadWhenWrittenAndARollIsFollowedAtTheNextScan() throws Exception
    {
        final SetTimeProvider clock = new SetTimeProvider(Instant.ofEpochMilli(now));
        try (TestQueueWriter writer = new TestQueueWriter(spool, "svc", ProcessHandle.current().pid(), now, true, clock);
             SpoolTailers tailers = tailers(null))
        {
            final QueueTailer tailer = readFirst(tailers, writer, 3);

            // Ten quiet minutes of scans (once a second) and idle polls.
            long at = now;
            for (int second = 1; second <= 600; second++)
            {
                at = now + second * 1_000L;
                tailers.scan(at);
                assertEquals(0, tailers.pollAll(100, at));
            }
            // Written again: read by the polls alone, without waiting for a scan or an upkeep.
            samples(writer, 4);
            assertEquals(7, pollUntil(tailers, tailer, 7, at), "a sample written after a long quiet spell is read at once");

            // The agent rolls to the next cycle file: followed at the next scan (1 s later, long before a quiet upkeep).
            clock.advanceMillis(TimeUnit.HOURS.toMillis(1));
            samples(writer, 5);
            tailers.scan(at + 1_000);
            assertEquals(12, pollUntil(tailers, tailer, 12, at + 1_000), "the new cycle file is read");
            assertTrue(tailer.isActive());
            assertEquals(0, tailers.counters().queueGaps());
        }
    }

    /** Kills the agent's process (no closed marker). Liveness for detection is asked before each rotation and stays immediate. */
    private static void kill(final Process agent, final SpoolTailers tailers) throws InterruptedException
    {
        agent.destroyForcibly();
        assertTrue(agent.waitFor(10, TimeUnit.SECONDS));
        tailers.refreshLiveness();
        assertTrue(tailers.serviceGone("svc"), "the killed agent's service is gone at once for detection");
    }

    @Test
    void aKilledAgentsQueueIsFinishedAtTheQuietUpkeepNotAtEveryScan() throws Exception
    {
        final Process agent = new ProcessBuilder("sleep", "600").start();
        try (TestQueueWriter writer = new TestQueueWriter(spool, "svc", agent.pid(), now, true);
             SpoolTailers tailers = tailers(null))
        {
            final QueueTailer tailer = readFirst(tailers, writer, 2);
            tailers.scan(now + 1_000);
            tailers.scan(now + 2_000);

            kill(agent, tailers);
            // Nothing in its files changed: the quiet queue's upkeep waits for its interval ...
            tailers.scan(now + 3_000);
            assertFalse(tailer.state().finished, "upkeep of a quiet, unchanged queue ran at every scan");
            // ... and then finishes it (killed without its closed marker: only the process tells).
            tailers.scan(now + 2_000 + UpkeepSchedule.QUIET_UPKEEP_MILLIS);
            assertTrue(tailer.state().finished, "the quiet upkeep notices the killed agent");
            assertEquals(2, tailer.state().samplesCounted);
        }
        finally
        {
            agent.destroyForcibly();
        }
    }

    @Test
    void aSteadilyWrittenQueueIsNotUpkeptAtEveryScanAndStillFinishedAfterAKill() throws Exception
    {
        final Process agent = new ProcessBuilder("sleep", "600").start();
        long want = 3;
        try (SpoolTailers tailers = tailers(null);
             TestQueueWriter writer = new TestQueueWriter(spool, "svc", agent.pid(), now, true))
        {
            final QueueTailer tailer = readFirst(tailers, writer, (int)want);
            for (int second = 1; second <= 3; second++)
            {
                samples(writer, 5);
                want += 5;
                assertEquals(want, pollUntil(tailers, tailer, want, now + second * 1_000L));
                tailers.scan(now + second * 1_000L);
            }
            kill(agent, tailers);
            // its last writes are read; the file grew, but the reader moved with it: no upkeep at this scan
            samples(writer, 5);
            want += 5;
            assertEquals(want, pollUntil(tailers, tailer, want, now + 4_000));
            tailers.scan(now + 4_000);
            assertFalse(tailer.state().finished, "the upkeep ran at a scan although the reader kept up with the writes");
            tailers.scan(now + 5_000);
            assertFalse(tailer.state().finished, "nothing changed: the quiet interval applies");
            // its first upkeep ran at the first scan after it was active (at now + 1 s at the latest)
            tailers.scan(now + 1_000 + UpkeepSchedule.QUIET_UPKEEP_MILLIS);
            assertTrue(tailer.state().finished, "the quiet upkeep finishes the killed agent's queue");
            assertEquals(want, tailer.state().samplesCounted);
        }
        finally
        {
            agent.destroyForcibly();
        }
    }

    @Test
    void retentionStillDeletesAFinishedQueueAtItsSlowerInterval() throws Exception
    {
        final long maxAgeMillis = 5_000;
        try (SpoolTailers tailers = tailers(new SpoolRetention(maxAgeMillis, Long.MAX_VALUE)))
        {
            final TestQueueWriter writer = TestQueueWriter.create(spool, "svc", now);
            final QueueTailer tailer = readFirst(tailers, writer, 2);
            writer.close(true);
            tailers.scan(now + 1_000); // the closed marker: finished
            assertTrue(tailer.state().finished);
            tailers.scan(now + 2_000 + maxAgeMillis); // past the age cap, but retention ran at the first scan
            assertTrue(Files.isDirectory(writer.directory()), "retention runs every " + SpoolTailers.RETENTION_INTERVAL_MILLIS + " ms");
            tailers.scan(now + SpoolTailers.RETENTION_INTERVAL_MILLIS + maxAgeMillis);
            assertFalse(Files.exists(writer.directory()), "retention deleted the finished queue");
            assertTrue(tailers.tailers().isEmpty());
        }
    }
}
