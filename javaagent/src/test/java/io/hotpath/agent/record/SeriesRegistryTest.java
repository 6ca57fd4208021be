package io.hotpath.agent.record;

import io.hotpath.agent.config.RuleConfigParser;
import io.hotpath.agent.config.RuleDefinition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.lang.management.ManagementFactory;
import java.util.Collections;

class SeriesRegistryTest
{
    enum Transport
    {
        QUIC, BITCHAT
    }

    private static List<RuleDefinition> rules(final String labels) throws Exception
    {
        return RuleConfigParser.parse("t.yaml", "rules:\n" +
            "  - { type: A, method: a, metric: static_metric, labels: { app: demo } }\n" +
            "  - { type: B, method: b, metric: dynamic_metric, max-series: 3, labels: " + labels + " }\n");
    }

    @Test
    void staticRulesGetTheirSeriesUpFrontAndDynamicOnesPerLabelValue() throws Exception
    {
        final SeriesRegistry registry = new SeriesRegistry(rules("{ app: demo, transport: { arg: 1 } }"));
        final int fixed = registry.staticSeries(0);
        assertTrue(fixed > 0);
        assertEquals(-1, registry.staticSeries(1));
        assertEquals("static_metric", registry.definition(fixed).metric());
        assertEquals(List.of("app", "demo"), Arrays.asList(registry.definition(fixed).labels()));

        final int quic = registry.resolve(1, Transport.QUIC, null, null);
        assertEquals(quic, registry.resolve(1, Transport.QUIC, null, null));
        assertEquals(quic, registry.resolve(1, "QUIC", null, null), "enum name and equal string share a series");
        final int bitchat = registry.resolve(1, Transport.BITCHAT, null, null);
        assertNotEquals(quic, bitchat);
        assertEquals(List.of("app", "demo", "transport", "QUIC"), Arrays.asList(registry.definition(quic).labels()));
        assertEquals(List.of("app", "demo", "transport", "BITCHAT"), Arrays.asList(registry.definition(bitchat).labels()));
        assertEquals(List.of("app", "demo", "transport", "null"),
            Arrays.asList(registry.definition(registry.resolve(1, null, null, null)).labels()));
        assertEquals(0, registry.labelOverflows());
    }

    @Test
    void valuesBeyondTheCapsFoldIntoOtherAndAreCounted() throws Exception
    {
        final SeriesRegistry registry = new SeriesRegistry(rules("{ peer: { arg: 0, max-values: 2 } }"));
        final int a = registry.resolve(1, "a", null, null);
        final int b = registry.resolve(1, "b", null, null);
        final int c = registry.resolve(1, "c", null, null);
        final int d = registry.resolve(1, "d", null, null);
        assertEquals(c, d);
        assertEquals(List.of("peer", "other"), Arrays.asList(registry.definition(c).labels()));
        assertEquals(2, registry.labelOverflows());
        assertEquals(Set.of(a, b, c).size(), 3);

        final SeriesRegistry allowed = new SeriesRegistry(rules("{ peer: { arg: 0, allowed: [x] } }"));
        assertEquals(List.of("peer", "other"), Arrays.asList(allowed.definition(allowed.resolve(1, "y", null, null)).labels()));
        assertEquals(List.of("peer", "x"), Arrays.asList(allowed.definition(allowed.resolve(1, "x", null, null)).labels()));
    }

    @Test
    void maxSeriesCapsCombinations() throws Exception
    {
        final SeriesRegistry registry = new SeriesRegistry(rules("{ a: { arg: 0 }, b: { arg: 1 } }"));
        final Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < 10; i++)
        {
            ids.add(registry.resolve(1, "x" + i, "y", null));
        }
        assertEquals(4, ids.size(), "3 series, then one overflow series");
        assertTrue(registry.labelOverflows() >= 7);
    }

    @Test
    void concurrentResolutionAgreesOnOneIdPerValueAndPublishesDefinitions() throws Exception
    {
        final SeriesRegistry registry = new SeriesRegistry(
            RuleConfigParser.parse("t.yaml", "rules:\n  - { type: B, method: b, metric: m, max-series: 1000, labels: { v: { arg: 0, max-values: 200 } } }\n"));
        final int threads = 4;
        final CyclicBarrier start = new CyclicBarrier(threads);
        final Map<String, Set<Integer>> seen = new ConcurrentHashMap<>();
        assertEquals(List.of(), concurrently(threads, t ->
        {
            start.await();
            for (int i = 0; i < 100; i++)
            {
                final String value = "v" + i;
                final int id = registry.resolve(0, value, null, null);
                final SeriesDefinition definition = registry.definition(id);
                if (definition == null || !definition.labels()[1].equals(value))
                {
                    throw new AssertionError("series " + id + " for " + value + " is " + definition);
                }
                seen.computeIfAbsent(value, k -> ConcurrentHashMap.newKeySet()).add(id);
            }
        }));
        assertEquals(100, seen.size());
        seen.forEach((value, ids) -> assertEquals(1, ids.size(), value + " -> " + ids));
    }

    @Test
    void capsHoldExactlyUnderConcurrentPressureAndFoldedCallsAreCountedOnce() throws Exception
    {
        final SeriesRegistry registry = new SeriesRegistry(RuleConfigParser.parse("t.yaml", "rules:\n" +
            "  - { type: B, method: b, metric: m, max-series: 3, labels: { v: { arg: 0, max-values: 5 }, w: { arg: 1, max-values: 2 } } }\n"));
        final int threads = 4;
        final int calls = 50_000;
        final String[] values = new String[1000];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = "v" + i;
        }
        final Set<Integer> ids = ConcurrentHashMap.newKeySet();
        final CyclicBarrier start = new CyclicBarrier(threads);
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int offset = t;
            final Thread worker = new Thread(() ->
            {
                try
                {
                    start.await();
                    for (int i = 0; i < calls; i++)
                    {
                        ids.add(registry.resolve(0, values[(i * 7 + offset) % values.length], values[i % 3], null));
                    }
                }
                catch (final Exception e)
                {
                    throw new IllegalStateException(e);
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (final Thread worker : workers)
        {
            worker.join();
        }
        assertTrue(registry.seriesCount(0) <= 3, "series under the cap: " + registry.seriesCount(0));
        assertTrue(ids.size() <= 4 && ids.size() >= 2, "3 series and the overflow series at most: " + ids);
        assertTrue(!ids.contains(0), "every call has a series");
        for (final int id : ids)
        {
            assertTrue(registry.definition(id) != null);
        }
        // every call but those of the (at most 3) combinations that got a series of their own is folded, and counted once
        final long folded = registry.labelOverflows();
        assertTrue(folded > threads * (long)calls * 9 / 10 && folded <= threads * (long)calls, "folded " + folded);
        final int before = registry.seriesCount(0);
        for (int i = 0; i < 100_000; i++)
        {
            registry.resolve(0, values[i % values.length], "x" + (i & 7), null);
        }
        assertEquals(before, registry.seriesCount(0), "folded calls do not grow the rule's series count");
    }

    @Test
    void aOneLabelRuleRemembersEachIndexAndStillCountsEveryFoldedCall() throws Exception
    {
        // max-series 3 over max-values 5: values 4 and 5 have an index but no series (overflow), the rest fold into other
        final SeriesRegistry registry = new SeriesRegistry(rules("{ peer: { arg: 0, max-values: 5 } }"));
        final int threads = 4;
        final int rounds = 2_000;
        final String[] values = {"v1", "v2", "v3", "v4", "v5", "v6", "v7"};
        for (final String value : values)
        {
            registry.resolve(1, value, null, null); // in order, one thread: v1..v3 get the series
        }
        final List<Map<String, Integer>> seen = Collections.synchronizedList(new ArrayList<>());
        final CyclicBarrier start = new CyclicBarrier(threads);
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final Thread worker = new Thread(() ->
            {
                final Map<String, Integer> ids = new HashMap<>();
                try
                {
                    start.await();
                }
                catch (final Exception e)
                {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < rounds; i++)
                {
                    for (final String value : values)
                    {
                        final int id = registry.resolve(1, value, null, null);
                        final Integer before = ids.putIfAbsent(value, id);
                        assertTrue(before == null || before == id, value + ": " + before + " then " + id);
                    }
                }
                seen.add(ids);
            });
            workers.add(worker);
            worker.start();
        }
        for (final Thread worker : workers)
        {
            worker.join();
        }
        assertEquals(threads, seen.size(), "no worker failed");
        for (final Map<String, Integer> ids : seen)
        {
            assertEquals(seen.get(0), ids, "every thread sees the same series per value");
        }
        assertEquals(4, new HashSet<>(seen.get(0).values()).size(), "3 series and the overflow series");
        assertEquals(3, registry.seriesCount(1));
        // 4 of the 7 values have no series of their own: every call with one of them is counted
        assertEquals(4L * threads * rounds + 4, registry.labelOverflows());
    }

    @Test
    void overCapCallsAllocateNothing() throws Exception
    {
        final SeriesRegistry registry = new SeriesRegistry(rules("{ peer: { arg: 0, max-values: 4 } }"));
        final String[] values = new String[4096];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = "peer-" + i;
            registry.resolve(1, values[i], null, null);
        }
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long id = Thread.currentThread().getId();
        int sink = 0;
        for (int i = 0; i < 200_000; i++)
        {
            sink += registry.resolve(1, values[i & 4095], null, null); // warm-up (JIT)
        }
        final long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 1_000_000; i++)
        {
            sink += registry.resolve(1, values[i & 4095], null, null);
        }
        final long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(sink != 0);
        assertTrue(allocated < 100_000, "1M over-cap calls allocated " + allocated + " bytes");
    }

    @Test
    void anEnumSeenAfterTheTableIsFullStillFindsItsName() throws Exception
    {
        final SeriesRegistry registry = new SeriesRegistry(rules("{ transport: { arg: 0, max-values: 2 } }"));
        final int quic = registry.resolve(1, "QUIC", null, null);
        registry.resolve(1, "tcp", null, null);
        final int other = registry.resolve(1, "udp", null, null);
        assertEquals(quic, registry.resolve(1, Transport.QUIC, null, null));
        assertEquals(other, registry.resolve(1, Transport.BITCHAT, null, null));
        assertEquals(List.of("transport", "QUIC"), Arrays.asList(registry.definition(registry.resolve(1, Transport.QUIC, null, null)).labels()));
    }
    @Test
    void theFastTableAnswersKnownLabelsAndFoldsUnknownStringsOnlyOnceEveryValueIsInIt() throws Exception
    {
        final SeriesRegistry registry = new SeriesRegistry(rules("{ peer: { arg: 0, max-values: 3 } }"));
        final int a = registry.resolve(1, "a", null, null);
        final int b = registry.resolve(1, "b", null, null);
        assertEquals(a, registry.resolve(1, new String("a"), null, null), "an equal string, not the same object");
        final int other = registry.resolve(1, Transport.QUIC, null, null); // takes the last index
        assertEquals(List.of("peer", "QUIC"), Arrays.asList(registry.definition(other).labels()));
        assertEquals(0, registry.labelOverflows());
        final int folded = registry.resolve(1, "x", null, null);
        assertEquals(List.of("peer", "other"), Arrays.asList(registry.definition(folded).labels()));
        for (int i = 0; i < 1000; i++)
        {
            assertEquals(folded, registry.resolve(1, "y" + i, null, null));
            assertEquals(b, registry.resolve(1, new String("b"), null, null));
            assertEquals(other, registry.resolve(1, "QUIC", null, null), "the enum's name as a string");
            assertEquals(other, registry.resolve(1, Transport.QUIC, null, null));
            assertEquals(folded, registry.resolve(1, Transport.BITCHAT, null, null));
            assertEquals(folded, registry.resolve(1, null, null, null));
        }
        assertEquals(1 + 3 * 1000, registry.labelOverflows(), "every folded call counted once");
    }

    @Test
    void knownValuesNeverFoldWhileTheFastTableFillsUnderConcurrentCalls() throws Exception
    {
        // the fold is switched on by whichever thread stores the last value while the others resolve
        // unknown strings (for many fresh registries, to meet that moment). Each value is first seen by
        // one thread only: first sights of one value raced by several threads are LabelTableTest's.
        final String[] values = {"v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7"};
        final int threads = 4;
        final int calls = 200;
        for (int trial = 0; trial < 200; trial++)
        {
            final SeriesRegistry registry = new SeriesRegistry(RuleConfigParser.parse("t.yaml", "rules:\n" +
                "  - { type: B, method: b, metric: m, max-series: 16, labels: { v: { arg: 0, max-values: 8, allowed: [" +
                String.join(", ", values) + "] } } }\n"));
            final CyclicBarrier start = new CyclicBarrier(threads);
            final CyclicBarrier allSeen = new CyclicBarrier(threads);
            assertEquals(List.of(), concurrently(threads, t ->
            {
                final int own = t * 2;
                start.await();
                for (int i = 0; i < calls; i++)
                {
                    expect(registry, new String(values[own + (i & 1)]), values[own + (i & 1)]);
                    expect(registry, "u" + (i & 15), "other");
                }
                allSeen.await();
                for (int i = 0; i < calls; i++)
                {
                    expect(registry, new String(values[(i + own) % values.length]), values[(i + own) % values.length]);
                    expect(registry, "u" + (i & 15), "other");
                }
            }));
            assertEquals(2L * threads * calls, registry.labelOverflows(), "only the unknown values' calls are counted");
        }
    }

    /** What one of {@link #concurrently}'s threads does. */
    private interface Worker
    {
        void run(int thread) throws Exception;
    }

    /** Runs {@code worker} on {@code threads} threads at once; what they threw. */
    private static List<Throwable> concurrently(final int threads, final Worker worker) throws InterruptedException
    {
        final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        final List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int thread = t;
            running.add(new Thread(() ->
            {
                try
                {
                    worker.run(thread);
                }
                catch (final Throwable e)
                {
                    failures.add(e);
                }
            }));
        }
        running.forEach(Thread::start);
        for (final Thread thread : running)
        {
            thread.join();
        }
        return failures;
    }

    private static void expect(final SeriesRegistry registry, final String argument, final String label)
    {
        final SeriesDefinition series = registry.definition(registry.resolve(0, argument, null, null));
        if (series == null || !series.labels()[1].equals(label))
        {
            throw new AssertionError(argument + " resolved to " + (series == null ? null : Arrays.asList(series.labels())));
        }
    }
}
