package io.hotpath.agent.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.agent.config.RuleConfigParser;
import io.hotpath.agent.config.RuleDefinition;
import io.hotpath.agent.it.SpoolReader;
import io.hotpath.agent.spool.SpoolDrainer;
import io.hotpath.agent.spool.SpoolSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's label-overflow count when the recorder resolves series ({@link RingRecorder#series}: a
 * folded call's id comes back negated): each folded call is counted by its sample
 * (in its owned stripe, else {@link SeriesRegistry#countFold}), written or dropped, exactly once — the same count
 * {@link SeriesRegistry#resolve} takes per call — from owned stripes (the thread's own cell, no lookup)
 * and shared ones, by many threads at once.
 */
class FoldedSampleCountTest
{
    enum Transport
    {
        QUIC, TCP, UDP
    }

    private static final String RULES = "rules:\n" +
        "  - { type: A, method: a, metric: one_label, max-series: 4, labels: { peer: { arg: 0, max-values: 2 } } }\n" +
        "  - { type: A, method: b, metric: two_labels, max-series: 3, labels: { a: { arg: 0 }, b: { arg: 1, max-values: 2 } } }\n" +
        "  - { type: A, method: c, metric: status, status_class: true, labels: { peer: { arg: 0, max-values: 1 } } }\n";

    private static List<RuleDefinition> rules() throws Exception
    {
        return RuleConfigParser.parse("t.yaml", RULES);
    }

    /** One call as the advice makes it: the series, then the sample. */
    private static int call(final RingRecorder recorder, final int rule, final Object label0, final Object label1)
    {
        final int series = recorder.series(rule, label0, label1, null);
        recorder.record(series, 1_000, 2_000, 8, 0);
        return series;
    }

    /**
     * Owned stripes: {@link ThreadSlots#SLOTS} (the owner's cell without a lookup), 0 (shared stripes:
     * the counter looks the thread up). A 1 KiB ring that is never read: most samples are dropped, and
     * still counted.
     */
    @ParameterizedTest(name = "owned stripes: {0}")
    @ValueSource(ints = {ThreadSlots.SLOTS, 0})
    void everyFoldedSampleIsCountedOnceWrittenOrDroppedAsResolveWouldCountItsCall(final int ownedStripes) throws Exception
    {
        ThreadSlots.reapEnded();
        final SeriesRegistry registry = new SeriesRegistry(rules());
        final RingRecorder recorder = new RingRecorder(new StripedRing(1024, 1, ownedStripes), registry, new ErrorTypeRegistry());
        final SeriesRegistry twin = new SeriesRegistry(rules()); // the same calls through resolve(), which counts per call
        final Object[][] calls = new Object[3_000][];
        for (int i = 0; i < calls.length; i++)
        {
            final Object label0 = switch (i % 6)
            {
                case 0 -> "peer-" + i % 5; // two of these get an index, the rest fold
                case 1 -> Transport.values()[i % 3];
                case 2 -> null;
                default -> "x" + i % 7;
            };
            calls[i] = new Object[] {i % 3, label0, i % 4 == 0 ? "y" : "z" + i % 3};
        }
        for (final Object[] c : calls)
        {
            final int series = recorder.series((int)c[0], c[1], c[2], null);
            final long before = registry.labelOverflows();
            recorder.record(series, 1_000, 2_000, 8, 0);
            assertEquals(before + (series < 0 ? 1 : 0), registry.labelOverflows(), "counted by the sample");
            assertEquals(Math.abs(series), twin.resolve((int)c[0], c[1], c[2], null), "the same series as resolve()");
        }
        assertTrue(recorder.dropped() > 1_000, "most samples were dropped: " + recorder.dropped());
        assertTrue(twin.labelOverflows() > 1_000, "most calls folded: " + twin.labelOverflows());
        assertEquals(twin.labelOverflows(), registry.labelOverflows(), "the samples' count is resolve()'s per-call count");
    }

    @Test
    void aFoldedCallsIdIsNegatedAndSoAreItsStatusClassVariants() throws Exception
    {
        final SeriesRegistry registry = new SeriesRegistry(rules());
        final RingRecorder recorder = new RingRecorder(new StripedRing(1 << 16, 1, ThreadSlots.SLOTS), registry, new ErrorTypeRegistry());
        final int a = recorder.series(0, "a", null, null);
        final int b = recorder.series(0, Transport.TCP, null, null);
        final int other = recorder.series(0, "c", null, null);
        assertTrue(a > 0 && b > 0 && a != b);
        assertTrue(other < 0);
        assertEquals(List.of("peer", "other"), List.of(registry.definition(-other).labels()));
        assertEquals(other, recorder.series(0, Transport.UDP, null, null));
        assertEquals(other, recorder.series(0, null, null, null));
        assertEquals(0, registry.labelOverflows(), "resolving for a sample counts nothing yet");

        final int known = recorder.series(2, "p", null, null);
        final int folded = recorder.series(2, "q", null, null);
        assertTrue(known > 0);
        assertTrue(folded < 0);
        for (int statusClass = 0; statusClass < 6; statusClass++)
        {
            final int plain = registry.statusSeries(known, statusClass);
            assertTrue(plain > 0 && plain != known, "status class " + statusClass);
            final int variant = registry.statusSeries(folded, statusClass);
            assertTrue(variant < 0 && variant != folded, "status class " + statusClass);
            assertEquals(registry.statusSeries(-folded, statusClass), -variant, "the folded series' own variant");
            assertTrue(List.of(registry.definition(-variant).labels()).contains("other"));
            recorder.record(variant, 1_000, 2_000, 8, 0);
        }
        assertEquals(6, registry.labelOverflows());
        recorder.record(registry.statusSeries(known, 5), 1_000, 2_000, 8, 0);
        recorder.record(0, 1_000, 2_000, 8, 0);
        recorder.record(Integer.MIN_VALUE, 1_000, 2_000, 8, 0);
        recorder.recordInContext(null, -registry.statusSeries(known, 1), 1_000, 2_000, 8, 0);
        assertEquals(7, registry.labelOverflows(), "recordInContext counts a folded sample too");
    }

    /**
     * The count as hotpathd gets it: the drain's AGENT_STATS record (its {@code labelOverflows}, which the
     * daemon exposes as {@code hotpath_agent_label_overflows_total}) holds every folded call, and the
     * spool holds as many samples of {@code other}.
     */
    @Test
    void theCountReachesTheSpoolsAgentStats(@TempDir final Path spool) throws Exception
    {
        final SeriesRegistry registry = new SeriesRegistry(rules());
        final RingRecorder recorder = new RingRecorder(1 << 20, 1, registry, new ErrorTypeRegistry());
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final SpoolDrainer drainer = new SpoolDrainer(recorder, new SpoolSettings(spool, "fold-test", "FAST_HOURLY", 1L << 30, 4096,
            TimeUnit.SECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(50), 0L, TimeUnit.MILLISECONDS.toNanos(500)), failure::set);
        drainer.start();
        final int calls = 3_000;
        for (int i = 0; i < calls; i++)
        {
            call(recorder, 0, i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : "x" + i % 50, null);
        }
        drainer.shutdown(30_000);
        assertEquals(null, failure.get());
        final SpoolReader reader = SpoolReader.read(SpoolReader.onlyQueue(spool));
        assertEquals(List.of(), reader.violations);
        assertEquals(calls, reader.samples.size());
        final long other = reader.samples.stream().filter(s -> "other".equals(s.labels().get("peer"))).count();
        assertEquals(calls / 3, other);
        assertEquals(calls / 3, reader.lastStats().labelOverflows());
        assertEquals(0, reader.lastStats().dropped());
    }

    /**
     * More threads than owned stripes (some count through the lookup), a drain reading meanwhile, a
     * reader of the count: the total is exact and the count never goes back.
     */
    @Test
    void manyThreadsCountExactly() throws Exception
    {
        ThreadSlots.reapEnded();
        final SeriesRegistry registry = new SeriesRegistry(rules());
        final StripedRing ring = new StripedRing(1 << 18, 2, 4);
        final RingRecorder recorder = new RingRecorder(ring, registry, new ErrorTypeRegistry());
        call(recorder, 0, "a", null);
        call(recorder, 0, "b", null);
        final int threads = 24;
        final int perThread = 20_000;
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicLong read = new AtomicLong();
        final AtomicLong withoutOwnedStripe = new AtomicLong();
        final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        final Thread drain = new Thread(() ->
        {
            long last = 0;
            while (!done.get())
            {
                read.addAndGet(ring.read((type, buffer, index, length) -> { }, 4096));
                final long now = registry.labelOverflows();
                if (now < last)
                {
                    failures.add(new AssertionError("the count went back: " + last + " then " + now));
                }
                last = now;
            }
        });
        drain.start();
        final CyclicBarrier start = new CyclicBarrier(threads);
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int thread = t;
            workers.add(new Thread(() ->
            {
                try
                {
                    final boolean sharedStripe = ring.ownedStripeOfCurrentThread() < 0; // takes a slot (or none) while all are alive
                    start.await();
                    if (sharedStripe)
                    {
                        withoutOwnedStripe.incrementAndGet();
                    }
                    for (int i = 0; i < perThread; i++)
                    {
                        call(recorder, 0, i % 3 == 0 ? "a" : "t" + thread + "-" + (i & 63), null);
                    }
                }
                catch (final Throwable e)
                {
                    failures.add(e);
                }
            }));
        }
        workers.forEach(Thread::start);
        for (final Thread worker : workers)
        {
            worker.join();
        }
        done.set(true);
        drain.join();
        assertEquals(List.of(), failures);
        final long foldedPerThread = perThread - (perThread + 2) / 3;
        assertEquals(threads * foldedPerThread, registry.labelOverflows(), "every folded call counted once");
        assertTrue(withoutOwnedStripe.get() >= threads - 4, "threads without an owned stripe: " + withoutOwnedStripe);
    }
}
