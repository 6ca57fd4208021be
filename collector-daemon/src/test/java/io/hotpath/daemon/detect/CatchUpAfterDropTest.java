package io.hotpath.daemon.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The demo's spike as its throughput shows it: a closed loop paced at 200 calls/s falls to ~13 while every call
 * waits 50 ms, then catches up at ~800/s for two seconds. Throughput is watched both ways, so the catch-up is
 * as anomalous as the drop; it must neither open a second event nor become the drop event's peak (before: one
 * event, direction from its opening second, "peak 88.5σ at 822/s" for a drop to 13/s).
 */
class CatchUpAfterDropTest
{
    private static final long T0 = 1_767_225_600_000L;
    private static final String KEY = "demo/transport_send{app=\"demo\",transport=\"QUIC\"}";

    private static Map<String, String> labels()
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        labels.put("service", "demo");
        labels.put("metric", "transport_send");
        labels.put("transport", "QUIC");
        return labels;
    }

    private static List<AnomalyEvent> throughputEvents(final long[] swing)
    {
        final List<AnomalyEvent> seen = new ArrayList<>();
        final AnomalyEngine engine = new AnomalyEngine(AnomalySettings.defaults(), seen::add);
        final Random random = new Random(11);
        final int from = 120;
        for (int i = 0; i < 400; i++)
        {
            final long calls = i >= from && i < from + swing.length ? swing[i - from] : 200 + Math.round(3 * random.nextGaussian());
            engine.onInterval(FakeInterval.uniform(KEY, labels(), T0 + i * 1000L, calls, 0, 300_000));
        }
        return seen.stream().filter(e -> e.signal() == Signal.THROUGHPUT).toList();
    }

    /** A drop of {@code seconds} at ~13 calls/s, then two seconds of catch-up at ~820/s, then the usual 200. */
    private static long[] dropAndCatchUp(final int seconds)
    {
        final long[] swing = new long[seconds + 2];
        for (int i = 0; i < seconds; i++)
        {
            swing[i] = 12 + i % 3;
        }
        swing[seconds] = 822;
        swing[seconds + 1] = 810;
        return swing;
    }

    @Test
    void aCatchUpAfterADropIsPartOfTheDropAndNotItsPeak()
    {
        for (final int seconds : new int[] {3, 15})
        {
            final List<AnomalyEvent> events = throughputEvents(dropAndCatchUp(seconds));
            assertEquals(1, events.stream().map(AnomalyEvent::id).distinct().count(),
                seconds + " s drop: one event for the drop, its catch-up and the recovery after it: " + events);
            final AnomalyEvent last = events.get(events.size() - 1);
            assertTrue(!last.isOpen(), "closed once the loop is back at its pace: " + last);
            assertEquals(Direction.DOWN, last.direction(), last.toString());
            assertTrue(last.peakValue() <= 20, "the drop's worst second is the peak, not the catch-up's 822/s: " + last);
            // ends within the hold (10 s) of the drop's last second, not when the detector has relearnt 200/s
            assertTrue(last.endMillis() <= T0 + (120 + seconds + 12) * 1000L, seconds + " s drop: " + last);
        }
    }

    @Test
    void aSurgeAloneIsStillRaisedUpward()
    {
        final List<AnomalyEvent> events = throughputEvents(new long[] {822, 810, 815});
        assertTrue(!events.isEmpty(), "a surge to 4x is an event");
        final AnomalyEvent last = events.get(events.size() - 1);
        assertEquals(Direction.UP, last.direction(), last.toString());
        assertTrue(last.peakValue() >= 800, last.toString());
    }
}
