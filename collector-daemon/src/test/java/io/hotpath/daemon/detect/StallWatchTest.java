package io.hotpath.daemon.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.Test;

/**
 * A stalled JVM or host moves every kind of call of a service for a few seconds: attributed to a
 * stall (counted), not raised per series; a change of one kind of call, or of all of them for longer
 * than a stall lasts, is still raised. A service of five metrics (transport_send on three series,
 * four others on one each), 200 calls/s, p99 2 ms; "slow" seconds have three 40 ms calls.
 */
class StallWatchTest
{
    private static final long T0 = 1_767_225_600_000L;
    private static final String[] METRICS = {"p2p_connect", "p2p_discover", "p2p_propagate", "job_placement"};
    private static final String[] TRANSPORTS = {"QUIC", "BITCHAT", "BETANET"};

    private record Run(List<AnomalyEvent> opened, AnomalyEngine engine)
    {
    }

    private static Map<String, String> labels(final String service, final String metric, final String transport)
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        if (service != null)
        {
            labels.put("service", service);
        }
        labels.put("metric", metric);
        if (transport != null)
        {
            labels.put("transport", transport);
        }
        return labels;
    }

    /** 300 s; {@code transportSlow} and {@code otherSlow} say which seconds are slow. */
    private static Run run(final String service, final IntPredicate transportSlow, final IntPredicate otherSlow)
    {
        final Random random = new Random(29);
        final List<AnomalyEvent> seen = new ArrayList<>();
        final AnomalyEngine engine = new AnomalyEngine(AnomalySettings.defaults(), seen::add);
        for (int i = 0; i < 300; i++)
        {
            final long time = T0 + i * 1000L;
            for (final String transport : TRANSPORTS)
            {
                engine.onInterval(interval(labels(service, "transport_send", transport), time, random, transportSlow.test(i)));
            }
            for (final String metric : METRICS)
            {
                engine.onInterval(interval(labels(service, metric, null), time, random, otherSlow.test(i)));
            }
        }
        return new Run(seen.stream().filter(AnomalyEvent::isOpen).toList(), engine);
    }

    private static FakeInterval interval(final Map<String, String> labels, final long time, final Random random, final boolean slow)
    {
        final long fast = (long)(2e6 * (1 + 0.02 * random.nextGaussian()));
        return new FakeInterval(labels.toString(), labels, time, 200, 0, fast, slow ? 3 : 0, 40_000_000);
    }

    @Test
    void aFewSecondsInWhichEveryKindOfCallIsSlowAreAStallNotAnAnomaly()
    {
        final IntPredicate stall = i -> i >= 150 && i < 154;
        final Run attributed = run("demo", stall, stall);
        assertEquals(List.of(), attributed.opened(), "a 4 s stall of every metric: no event");
        final StallWatch.Count count = attributed.engine().stallWatches().iterator().next().count();
        assertEquals(1, count.stalls(), "one stall counted");
        assertEquals(T0 + 150_000, count.lastStartMillis());
        final long[] held = new long[1];
        attributed.engine().forEachMonitor((monitor, labels) -> held[0] += monitor.heldRuns());
        assertTrue(held[0] >= 7, "every series' run held: " + held[0]);
        // The same seconds without a service to attribute them to: an event on each of the 7 series.
        assertEquals(7, run(null, stall, stall).opened().size());
    }

    @Test
    void oneKindOfCallSlowIsAnAnomalyOnEachOfItsSeries()
    {
        final Run spike = run("demo", i -> i >= 150 && i < 158, i -> false);
        assertEquals(3, spike.opened().size(), "one event per transport: " + spike.opened());
        for (final AnomalyEvent event : spike.opened())
        {
            assertEquals("transport_send", event.labels().get("metric"));
            assertEquals(T0 + 150_000, event.startMillis(), event.logLine());
        }
        assertEquals(0, spike.engine().stallWatches().iterator().next().count().stalls());
    }

    @Test
    void everyKindOfCallSlowForLongerThanAStallIsAnAnomaly()
    {
        final IntPredicate outage = i -> i >= 150 && i < 180;
        final Run run = run("demo", outage, outage);
        assertEquals(7, run.opened().size(), "every series, once: " + run.opened());
        for (final AnomalyEvent event : run.opened())
        {
            assertEquals(T0 + (150 + StallWatch.MAX - 1) * 1000L, event.alertMillis(), "opened after " + StallWatch.MAX + " intervals: "
                + event.logLine());
        }
    }
}
