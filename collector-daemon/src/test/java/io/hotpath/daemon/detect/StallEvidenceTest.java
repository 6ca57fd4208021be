package io.hotpath.daemon.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.function.IntToLongFunction;

import org.junit.jupiter.api.Test;

/**
 * What the daemon measures itself is evidence of a stall: it closed an interval late (the host
 * starved it, {@link HostStalls}), or an unusual share of a service's calls arrived after their
 * interval closed (the JVM's drain stalled). A service whose calls moved in such seconds (here only
 * one kind of call, which the co-movement rule of {@link StallWatch} alone would raise) gets a stall
 * counted, not an event. Without the evidence (on time, or a replay without a live clock) the same
 * seconds are an event. A service of five metrics, 200 calls/s, p99 2 ms; "slow" seconds of one
 * metric have three 40 ms calls.
 */
class StallEvidenceTest
{
    private static final long T0 = 1_767_225_600_000L;
    private static final String[] METRICS = {"transport_send", "p2p_connect", "p2p_discover", "p2p_propagate", "job_placement"};

    private record Run(List<AnomalyEvent> opened, AnomalyEngine engine)
    {
    }

    /**
     * 300 s; {@code slow} says which seconds are slow on transport_send, {@code lateMillis} how late
     * each second is closed (null: no live clock).
     */
    private static Run run(final IntPredicate slow, final IntToLongFunction lateMillis)
    {
        return run(slow, lateMillis, i -> 0);
    }

    /** As {@link #run(IntPredicate, IntToLongFunction)}; {@code lateCalls}: calls of each series of second i read after it closed. */
    private static Run run(final IntPredicate slow, final IntToLongFunction lateMillis, final IntToLongFunction lateCalls)
    {
        return run(slow, lateMillis, lateCalls, i -> false);
    }

    /** As {@link #run(IntPredicate, IntToLongFunction, IntToLongFunction)}; {@code catchingUp}: second i is closed during the daemon's catch-up. */
    private static Run run(final IntPredicate slow, final IntToLongFunction lateMillis, final IntToLongFunction lateCalls,
        final IntPredicate catchingUp)
    {
        final Random random = new Random(31);
        final List<AnomalyEvent> seen = new ArrayList<>();
        final AnomalyEngine engine = new AnomalyEngine(AnomalySettings.defaults(), seen::add);
        final long[] now = new long[1];
        final int[] closing = new int[1];
        if (lateMillis != null)
        {
            engine.liveClock(() -> now[0]);
            engine.catchingUpWhile(() -> catchingUp.test(closing[0]));
        }
        for (int i = 0; i < 300; i++)
        {
            final long time = T0 + i * 1000L;
            closing[0] = i;
            now[0] = time + 1000 + (lateMillis == null ? 0 : lateMillis.applyAsLong(i));
            if (i > 0 && lateCalls.applyAsLong(i - 1) > 0)
            {
                // Read after second i-1 closed: handed over at this close, before its intervals.
                for (final String metric : METRICS)
                {
                    final Map<String, String> labels = labels(metric);
                    engine.onLateInterval(FakeInterval.uniform(labels.toString(), labels, T0, lateCalls.applyAsLong(i - 1), 0, 2_000_000));
                }
            }
            for (final String metric : METRICS)
            {
                final Map<String, String> labels = labels(metric);
                final long fast = (long)(2e6 * (1 + 0.02 * random.nextGaussian()));
                final boolean slowNow = metric.equals("transport_send") && slow.test(i);
                engine.onInterval(new FakeInterval(labels.toString(), labels, time, 200, 0, fast, slowNow ? 3 : 0, 40_000_000));
            }
        }
        return new Run(seen.stream().filter(AnomalyEvent::isOpen).toList(), engine);
    }

    private static Map<String, String> labels(final String metric)
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        labels.put("service", "demo");
        labels.put("metric", metric);
        return labels;
    }

    @Test
    void oneKindOfCallSlowWhileTheDaemonClosedLateIsAStall()
    {
        final IntPredicate slow = i -> i >= 150 && i < 154;
        final Run stalled = run(slow, i -> i >= 150 && i < 153 ? 350 : 3);
        assertEquals(List.of(), stalled.opened(), "a host stall: no event");
        assertEquals(1, stalled.engine().hostStalls().count(), "one host stall");
        assertEquals(350, stalled.engine().hostStalls().worstLateMillis());
        final StallWatch.Count count = stalled.engine().stallWatches().iterator().next().count();
        assertEquals(1, count.stalls(), "counted as a stall of the service");
        final long[] held = new long[1];
        stalled.engine().forEachMonitor((monitor, labels) -> held[0] += monitor.heldRuns());
        assertTrue(held[0] >= 1, "the run was held: " + held[0]);

        // The same seconds closed on time, or replayed without a clock: an event.
        assertEquals(1, run(slow, i -> 3).opened().size());
        assertEquals(1, run(slow, null).opened().size());
    }

    @Test
    void aLateCloseFarFromTheChangeHoldsNothing()
    {
        final Run run = run(i -> i >= 150 && i < 160, i -> i == 100 || i == 200 ? 500 : 0);
        assertEquals(1, run.opened().size(), "the change is raised: " + run.opened());
        assertEquals(2, run.engine().hostStalls().count());
        assertEquals(2, run.engine().stallWatches().iterator().next().count().stalls(), "each counted as a stall of the service");
    }

    @Test
    void oneKindOfCallSlowWhileAQuarterOfTheCallsArrivedLateIsAStall()
    {
        final IntPredicate slow = i -> i >= 150 && i < 154;
        // Usually 2 of 200 calls arrive late (the last milliseconds of a second); in the stall, 70.
        final Run stalled = run(slow, null, i -> i >= 150 && i < 153 ? 70 : 2);
        assertEquals(List.of(), stalled.opened(), "the JVM stalled: no event");
        assertEquals(1, stalled.engine().stallWatches().iterator().next().count().stalls(), "counted as a stall");
        assertEquals(0, stalled.engine().hostStalls().count(), "not the daemon's");
        // A share that is usual for the service (a drain batching its calls) says nothing: an event.
        assertEquals(1, run(slow, null, i -> 70).opened().size());
        // Nor does a service whose calls always arrive on time.
        assertEquals(1, run(slow, null, i -> 0).opened().size());
    }

    @Test
    void aMeasuredStallHoldsLongerThanAnInferredOneButNotForever()
    {
        // The host starves everything for 20 s (the daemon closes each second late): held, counted.
        final IntPredicate overload = i -> i >= 150 && i < 170;
        final Run held = run(overload, i -> overload.test(i) ? 150 : 0);
        assertEquals(List.of(), held.opened(), "20 s of a starved host: no event");
        // Without the daemon's evidence, 20 s of one kind of call slow is an event.
        assertEquals(1, run(overload, i -> 0).opened().size());
        // A slowdown that outlasts the host's stall opens, at the latest after MAX_MEASURED intervals.
        final Run outlasted = run(i -> i >= 150 && i < 200, i -> overload.test(i) ? 150 : 0);
        assertEquals(1, outlasted.opened().size(), "opened: " + outlasted.opened());
        assertEquals(T0 + (150 + StallWatch.MAX_MEASURED - 1) * 1000L, outlasted.opened().get(0).alertMillis());
        // And a host starved for a minute is worth an event: after MAX_MEASURED intervals.
        final IntPredicate minute = i -> i >= 150 && i < 210;
        final Run starved = run(minute, i -> minute.test(i) ? 150 : 0);
        assertEquals(1, starved.opened().size(), "opened: " + starved.opened());
        assertEquals(T0 + (150 + StallWatch.MAX_MEASURED - 1) * 1000L, starved.opened().get(0).alertMillis());
    }

    /**
     * The host starves everything for 6 s (150-155 closed late: 150-156 marked), then, a second later,
     * the transports alone stay slow for 6 s (the stall's after-effects: calls queued, a closed loop
     * catching up, the detectors' recent spread still holding the stall's values): held for the
     * stall's length past it. A slowdown of the transports that goes on is raised, {@link StallWatch#AFTER}
     * intervals past the stall moved later by its length (156 + 6).
     */
    @Test
    void theAfterEffectsOfALongerMeasuredStallAreHeldAsLongAgain()
    {
        final IntPredicate stall = i -> i >= 150 && i < 156;
        final IntToLongFunction late = i -> stall.test(i) ? 150 : 0;
        assertEquals(List.of(), run(i -> stall.test(i) || i >= 157 && i < 163, late).opened(),
            "a 6 s stall and 6 s of after-effects: no event");
        final Run slowdown = run(i -> stall.test(i) || i >= 157 && i < 200, late);
        assertEquals(1, slowdown.opened().size(), "opened: " + slowdown.opened());
        assertEquals(T0 + (162 + StallWatch.AFTER) * 1000L, slowdown.opened().get(0).alertMillis());
    }

    /**
     * hotpathd restarts at second 150 with its learnt state and catches up with its spool until 160: it closes
     * the seconds it was down 5 s late and reads every call of them late, by its own doing. Nothing is counted
     * as a stall (neither the host's nor the service's), the catch-up's late closes are counted apart, and a
     * slow second in it is held, not raised. A stall after the catch-up counts as before, and a slowdown that
     * outlasts the catch-up opens.
     */
    @Test
    void theDaemonsOwnCatchUpAfterAStartIsNoStall()
    {
        final IntPredicate catchingUp = i -> i >= 150 && i < 160;
        final IntToLongFunction late = i -> catchingUp.test(i) ? 5_000 : i == 250 ? 300 : 3;
        final IntToLongFunction lateCalls = i -> catchingUp.test(i) ? 200 : 2;
        final Run restarted = run(i -> i >= 152 && i < 156, late, lateCalls, catchingUp);
        assertEquals(List.of(), restarted.opened(), "a slow second in the catch-up is held");
        assertEquals(1, restarted.engine().hostStalls().count(), "only the late close at 250: " + restarted.engine().health());
        assertEquals(10, restarted.engine().hostStalls().catchUpLateCloses(), "the catch-up's own late closes, apart");
        assertEquals(1, restarted.engine().stallWatches().iterator().next().count().stalls(), "the service: only 250");
        assertEquals(T0 + 250_000, restarted.engine().stallWatches().iterator().next().count().lastStartMillis());
        // The same seconds closed without the catch-up are host stalls of the service.
        final Run stalled = run(i -> i >= 152 && i < 156, late, lateCalls, i -> false);
        assertEquals(2, stalled.engine().hostStalls().count(), "150-159 and 250");
        assertEquals(2, stalled.engine().stallWatches().iterator().next().count().stalls());
        // A slowdown that outlasts the catch-up is raised.
        assertEquals(1, run(i -> i >= 152 && i < 220, late, lateCalls, catchingUp).opened().size());
    }

    @Test
    void marksTheIntervalClosedLateAndTheNextOne()
    {
        final HostStalls host = new HostStalls(1000);
        final long[] now = new long[1];
        host.closing(T0); // no clock: a replay
        assertEquals(0, host.count());
        host.useClock(() -> now[0]);
        for (int i = 0; i < 60; i++)
        {
            now[0] = T0 + (i + 1) * 1000L + (i == 10 || i == 11 || i == 50 ? HostStalls.LATE_MILLIS : HostStalls.LATE_MILLIS - 1);
            host.closing(T0 + i * 1000L);
        }
        assertEquals(2, host.count(), "10-11 and 50");
        for (int i = 0; i < 60; i++)
        {
            final boolean marked = i >= 10 && i <= 12 || i == 50 || i == 51;
            assertEquals(marked, host.stalled(T0 + i * 1000L), "interval " + i);
        }
        assertFalse(host.stalled(T0 + 200_000), "not closed yet");
        assertFalse(host.stalled(T0 - 200_000), "too long ago to know");
    }
}
