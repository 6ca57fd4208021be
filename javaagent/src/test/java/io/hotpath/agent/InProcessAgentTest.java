package io.hotpath.agent;

import io.hotpath.agent.bootstrap.HotpathBridge;
import io.hotpath.agent.it.SpoolReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recorder and drain thread in one JVM, as benchmarks use them: ring to queue, batched. */
class InProcessAgentTest
{
    @TempDir
    Path spool;

    @Test
    void recordsFromSeveralThreadsArriveBatchedWithEpochTimestamps() throws Exception
    {
        final long wallBefore = System.currentTimeMillis() * 1_000_000L;
        final int perThread = 20_000;
        final int threads = 2;
        final AgentMain.Running agent = InProcessAgent.start(
            Map.of("spool.dir", spool.toString(), "service.name", "bench", "batch.maxSamples", "1000"),
            "rules:\n  - { type: A, method: a, metric: bench_call, kind: custom }\n");
        try
        {
            final int series = agent.recorder().seriesRegistry().staticSeries(0);
            final Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                workers[t] = new Thread(() ->
                {
                    for (int i = 0; i < perThread; i++)
                    {
                        final long start = System.nanoTime();
                        HotpathBridge.record(series, start, start + 1000 + i, i, i % 10 == 0 ? HotpathBridge.ERROR_RETURNED_FALSE : 0);
                    }
                });
                workers[t].start();
            }
            for (final Thread worker : workers)
            {
                worker.join();
            }
        }
        finally
        {
            agent.close();
        }
        final long wallAfter = System.currentTimeMillis() * 1_000_000L;

        final SpoolReader reader = SpoolReader.read(SpoolReader.onlyQueue(spool));
        assertEquals(List.of(), reader.violations);
        assertEquals("bench", reader.serviceName);
        assertEquals(threads * perThread, reader.samples.size());
        assertEquals(threads * perThread / 10, reader.samples.stream().filter(SpoolReader.Sample::error).count());
        assertTrue(reader.documents < threads * perThread / 100, "batched: " + reader.documents + " documents");
        for (final SpoolReader.Sample sample : reader.samples)
        {
            assertTrue(sample.endEpochNanos() >= wallBefore - 50_000_000L && sample.endEpochNanos() <= wallAfter + 50_000_000L,
                () -> "end " + sample.endEpochNanos() + " not in [" + wallBefore + ", " + wallAfter + "]");
            assertTrue(sample.durationNanos() >= 1000 && sample.durationNanos() < 1000 + perThread);
        }
        final SpoolReader.Stats stats = reader.lastStats();
        assertEquals(threads * perThread, stats.recorded());
        assertEquals(threads * perThread, stats.drained());
        assertEquals(0, stats.dropped());
    }
}
