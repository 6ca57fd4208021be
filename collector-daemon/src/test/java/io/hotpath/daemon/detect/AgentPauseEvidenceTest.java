package io.hotpath.daemon.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntToLongFunction;

import org.junit.jupiter.api.Test;

/**
 * The agent's own readings of its JVM's pauses (AGENT_STATS: drain wake-up lateness, GC pauses, safepoints) are
 * evidence of a stall, as the daemon's late closes and late calls are: a service whose one kind of call is slow for
 * four seconds in which its JVM was held back 400 ms a second gets a stall counted and the run held, not an event.
 * No live clock and no late calls here: the daemon itself saw nothing (the 17:16:52 case of RESULTS-detect.md).
 */
class AgentPauseEvidenceTest
{
    private static final long START = 1_767_225_600_000L;
    private static final long MS = 1_000_000L;
    private static final List<String> METRICS = List.of("transport_send", "p2p_connect", "p2p_discover", "p2p_propagate",
        "job_placement");

    private record Outcome(AnomalyEngine engine, List<AnomalyEvent> opened)
    {
        long stalls()
        {
            return engine.stallWatches().iterator().next().count().stalls();
        }

        long heldRuns()
        {
            final long[] held = new long[1];
            engine.forEachMonitor((monitor, labels) -> held[0] += monitor.heldRuns());
            return held[0];
        }
    }

    /**
     * Five minutes of a five-metric service at 200 calls/s (p99 ~2 ms); transport_send has three 40 ms calls in each of
     * seconds 150-153. After each second closed, the agent's stats record written 5 ms before its end arrives, with
     * {@code pausedMillis(second)} held back since the one before.
     */
    private static Outcome replay(final IntToLongFunction pausedMillis)
    {
        final List<AnomalyEvent> events = new ArrayList<>();
        final AnomalyEngine engine = new AnomalyEngine(AnomalySettings.defaults(), events::add);
        final Random noise = new Random(7);
        for (int second = 0; second < 300; second++)
        {
            final long start = START + second * 1000L;
            for (final String metric : METRICS)
            {
                final Map<String, String> labels = Map.of("service", "demo", "metric", metric);
                final boolean slow = metric.equals("transport_send") && second >= 150 && second <= 153;
                engine.onInterval(new FakeInterval("demo/" + metric, labels, start, 200, 0,
                    (long)(2e6 * (1 + 0.02 * noise.nextGaussian())), slow ? 3 : 0, 40_000_000));
            }
            engine.noteAgentPause("demo", (start - 5) * MS, (start + 995) * MS, pausedMillis.applyAsLong(second) * MS);
        }
        return new Outcome(engine, events.stream().filter(AnomalyEvent::isOpen).toList());
    }

    @Test
    void slowSecondsInWhichTheJvmWasHeldBackAreAStallNotAnEvent()
    {
        final Outcome paused = replay(second -> second >= 150 && second <= 152 ? 400 : 3);
        assertEquals(List.of(), paused.opened(), "the JVM was starved: no event");
        assertEquals(1, paused.stalls(), "one stall of the service");
        assertTrue(paused.heldRuns() >= 1, "the run was held: " + paused.heldRuns());
        assertEquals(0, paused.engine().hostStalls().count(), "not the daemon's evidence");

        // The same seconds with the JVM running freely, or held back less than a fifth of each second: an event.
        assertEquals(1, replay(second -> 3).opened().size());
        assertEquals(1, replay(second -> second >= 150 && second <= 152 ? 150 : 3).opened().size());
        // An agent without the readings (older, or the records unread) tells nothing: an event.
        assertEquals(1, replay(second -> 0).opened().size());
    }

    @Test
    void pausesFarFromTheChangeHoldNothing()
    {
        final Outcome outcome = replay(second -> second == 100 || second == 200 ? 600 : 3);
        assertEquals(1, outcome.opened().size(), "the change is raised: " + outcome.opened());
        assertEquals(2, outcome.stalls(), "each pause a stall of the service");
    }

    @Test
    void aPauseIsSpreadOverTheSecondsOfItsSpan()
    {
        // One record 3 s after the one before, 1.2 s held back: 0.4 s in each second, each a stall (one stall in all).
        final List<AnomalyEvent> events = new ArrayList<>();
        final AnomalyEngine engine = new AnomalyEngine(AnomalySettings.defaults(), events::add);
        for (int second = 0; second < 12; second++)
        {
            final Map<String, String> labels = Map.of("service", "demo", "metric", "transport_send");
            engine.onInterval(FakeInterval.uniform("demo/transport_send", labels, START + second * 1000L, 200, 0, 2_000_000));
            if (second == 3)
            {
                engine.noteAgentPause("demo", (START + 3000) * MS, (START + 6000) * MS, 1200 * MS);
                // an idle agent's heartbeat, 10 s apart: says nothing per second
                engine.noteAgentPause("demo", (START - 5000) * MS, (START + 5000) * MS, 5000 * MS);
            }
        }
        final StallWatch.Count count = engine.stallWatches().iterator().next().count();
        assertEquals(1, count.stalls());
        assertEquals(START + 3000, count.lastStartMillis());
        assertEquals(START + 6000, count.lastEndMillis());
    }
}
