package io.hotpath.agent.spool;

import io.hotpath.agent.config.RuleConfigParser;
import io.hotpath.agent.it.SpoolReader;
import io.hotpath.agent.record.ErrorTypeRegistry;
import io.hotpath.agent.record.RingRecorder;
import io.hotpath.agent.record.SeriesRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The drain at a low rate ({@link DrainPacer}): samples wait in the ring and go out in one or two
 * documents a second, each carrying the AGENT_STATS record when due (no document of its own), whose
 * drained count is exactly the samples before it in the queue.
 */
class SpoolDrainerTest
{
    private static final String RULES = "rules:\n" +
        "  - { type: A, method: a, metric: drain_call, kind: custom, labels: { peer: { arg: 0, max-values: 8 } } }\n";

    @TempDir
    Path spool;

    @Test
    void aLowRateGoesOutInFewDocumentsWithItsStatsInside() throws Exception
    {
        final SeriesRegistry registry = new SeriesRegistry(RuleConfigParser.parse("test rules", RULES));
        final RingRecorder recorder = new RingRecorder(1 << 20, 1, registry, new ErrorTypeRegistry());
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final SpoolSettings settings = new SpoolSettings(spool, "drain-test", "FAST_HOURLY", 1L << 30, 4096,
            TimeUnit.SECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(50), 0L, TimeUnit.MILLISECONDS.toNanos(500));
        final SpoolDrainer drainer = new SpoolDrainer(recorder, settings, failure::set);
        drainer.start();
        // ~400 samples/s for 4 s: 4 every 10 ms
        final int samples = 1_600;
        final long started = System.nanoTime();
        for (int i = 0; i < samples; i++)
        {
            final int series = registry.resolve(0, "peer-" + i % 4, null, null);
            final long end = System.nanoTime();
            recorder.record(series, end - 1_000, end, i, 0);
            if (i % 4 == 3)
            {
                LockSupport.parkNanos(10_000_000L);
            }
        }
        final double seconds = (System.nanoTime() - started) / 1e9;
        drainer.shutdown(30_000);
        assertNull(failure.get());

        final SpoolReader reader = SpoolReader.read(SpoolReader.onlyQueue(spool));
        assertEquals(List.of(), reader.violations);
        assertEquals(samples, reader.samples.size());
        for (int i = 0; i < samples; i++)
        {
            assertEquals(i, reader.samples.get(i).payloadBytes(), "sample " + i);
        }
        assertTrue(reader.stats.size() >= 3, "stats " + reader.stats);
        for (int i = 0; i < reader.stats.size(); i++)
        {
            assertEquals((long)reader.samplesBeforeStats.get(i), reader.stats.get(i).drained(), "stats record " + i);
            // after the queue opened (the first samples wait for Chronicle to load) the wait is bounded by the hold;
            // generous for a busy machine
            assertTrue(i == 0 || reader.stats.get(i).drainLagNanos() < TimeUnit.SECONDS.toNanos(5), reader.stats.get(i).toString());
        }
        assertEquals(samples, reader.lastStats().drained());
        assertEquals(0, reader.lastStats().dropped());
        // while samples arrive the stats ride in their documents; only the one written at shutdown may be alone
        assertTrue(reader.statsWithoutSamples <= 1, reader.statsWithoutSamples + " stats records alone");
        // the header, ~2 documents a second (the hold, the end of each second), the last at shutdown; generous for a busy machine
        final int most = 2 + (int)Math.ceil(seconds * 3);
        assertTrue(reader.documents <= most, reader.documents + " documents in " + seconds + " s (at most " + most + ")");
    }

    /**
     * With no open delay ({@code hotpath.spool.openDelayMs=0}) the queue, Chronicle and the write-path warm-up
     * are ready before the application's first sample, not started by it in the middle of the application's own
     * warm-up; a JVM that ends while that is still going on, with nothing recorded, creates no queue and does not
     * wait for it; with a delay, a JVM that records nothing before it ends creates no queue.
     */
    @Test
    void theQueueOpensAtStartWithoutADelayAndNotAtAllInADelayedJvmThatRecordedNothing() throws Exception
    {
        final SeriesRegistry registry = new SeriesRegistry(RuleConfigParser.parse("test rules", RULES));
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Path atStart = Files.createDirectories(spool.resolve("at-start"));
        final SpoolDrainer eager = drainer(registry, atStart, "eager", 0L, failure);
        eager.start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // Chronicle's first open, on a busy machine
        while (!hasCycleFile(atStart) && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(20_000_000L);
        }
        assertTrue(hasCycleFile(atStart), "no queue in " + atStart + " 60 s after the drain started, with no sample recorded");
        eager.shutdown(30_000);
        final SpoolReader reader = SpoolReader.read(SpoolReader.onlyQueue(atStart));
        assertEquals(List.of(), reader.violations);
        assertEquals(0, reader.samples.size());

        // a JVM that ends while its drain still opens the queue, with nothing recorded: no queue, and no long wait
        final Path stoppedEarly = Files.createDirectories(spool.resolve("stopped-early"));
        final SpoolDrainer shortLived = drainer(registry, stoppedEarly, "short-lived", 0L, failure);
        final CountDownLatch opening = new CountDownLatch(1);
        shortLived.beforeOpen(() ->
        {
            opening.countDown();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300)); // the JVM's exit comes in the middle of the opening
        });
        shortLived.start();
        assertTrue(opening.await(60, TimeUnit.SECONDS));
        final long stopStart = System.nanoTime();
        shortLived.shutdown(30_000);
        final long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopStart);
        assertTrue(stopMillis < 10_000, "shutdown of an unused drain took " + stopMillis + " ms (it waits " +
            SpoolDrainer.UNUSED_SHUTDOWN_MILLIS + " ms)");
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(5)); // the drain thread may still be loading Chronicle: it must stop there
        assertNull(shortLived.queueDirectory());
        try (Stream<Path> entries = Files.list(stoppedEarly))
        {
            assertEquals(List.of(), entries.toList(), "a drain stopped before any sample created a queue");
        }

        final Path delayed = Files.createDirectories(spool.resolve("delayed"));
        final SpoolDrainer lazy = drainer(registry, delayed, "lazy", TimeUnit.HOURS.toNanos(1), failure);
        lazy.start();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        lazy.shutdown(30_000);
        try (Stream<Path> entries = Files.list(delayed))
        {
            assertEquals(List.of(), entries.toList(), "a delayed drain that never saw a sample created a queue");
        }
        assertNull(failure.get());
    }

    /** A drain of one stats second and 50 ms looks, with the given open delay. */
    private static SpoolDrainer drainer(final SeriesRegistry registry, final Path spool, final String service,
        final long openDelayNanos, final AtomicReference<Throwable> failure)
    {
        return new SpoolDrainer(new RingRecorder(1 << 20, 1, registry, new ErrorTypeRegistry()), new SpoolSettings(spool, service,
            "FAST_HOURLY", 1L << 30, 4096, TimeUnit.SECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(50), openDelayNanos), failure::set);
    }

    private static boolean hasCycleFile(final Path spool) throws IOException
    {
        try (Stream<Path> queues = Files.list(spool))
        {
            for (final Path queue : queues.filter(Files::isDirectory).toList())
            {
                try (Stream<Path> files = Files.list(queue))
                {
                    if (files.anyMatch(file -> file.getFileName().toString().endsWith(".cq4")))
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
