package io.hotpath.daemon.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

/**
 * Calls their JVM wrote only after their second ended (the batch's write time) are evidence of a JVM stall even
 * when the daemon's close grace placed them in their own interval: a run they overlap is held, not raised.
 */
class WrittenLateEvidenceTest
{
    private static final long T0 = 1_767_225_600_000L;
    private static final String[] METRICS = {"transport_send", "p2p_connect", "p2p_discover", "p2p_propagate", "job_placement"};

    /** 300 s of 5 metrics at 200 calls/s; transport_send slow in the {@code slow} seconds; {@code writtenLate} calls of each. */
    private static List<AnomalyEvent> opened(final IntPredicate slow, final IntToLongFunction writtenLate, final StallWatch.Count[] count)
    {
        final Random random = new Random(31);
        final List<AnomalyEvent> seen = new ArrayList<>();
        final AnomalyEngine engine = new AnomalyEngine(AnomalySettings.defaults(), seen::add);
        for (int i = 0; i < 300; i++)
        {
            final long time = T0 + i * 1000L;
            for (final String metric : METRICS)
            {
                final Map<String, String> labels = new LinkedHashMap<>();
                labels.put("service", "demo");
                labels.put("metric", metric);
                final long fast = (long)(2e6 * (1 + 0.02 * random.nextGaussian()));
                final boolean slowNow = metric.equals("transport_send") && slow.test(i);
                engine.onInterval(
                    new FakeInterval(labels.toString(), labels, time, 200, 0, fast, slowNow ? 3 : 0, 40_000_000, writtenLate.applyAsLong(i)));
            }
        }
        count[0] = engine.stallWatches().iterator().next().count();
        return seen.stream().filter(AnomalyEvent::isOpen).toList();
    }

    @Test
    void aRunWhileMostCallsWereWrittenLateIsHeld()
    {
        final IntPredicate slow = i -> i >= 150 && i < 154;
        final StallWatch.Count[] count = new StallWatch.Count[1];
        // Usually 1 of 200 calls is written just after its second (it ended in the drain's last milliseconds); in the stall 150.
        assertEquals(List.of(), opened(slow, i -> i >= 150 && i < 153 ? 150 : 1, count), "the JVM stalled: no event");
        assertEquals(1, count[0].stalls(), "counted as a stall of the service");
        // The same change with every call written on time is raised.
        assertEquals(1, opened(slow, i -> 0, count).size());
        assertEquals(0, count[0].stalls());
        // As it is when late writes are the service's usual (a drain that holds its calls past the second).
        assertEquals(1, opened(slow, i -> 150, count).size());
    }
}
