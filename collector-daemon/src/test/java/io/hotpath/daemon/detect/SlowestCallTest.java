package io.hotpath.daemon.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.Test;

/**
 * The latency value of fewer than 100 calls is their second slowest call, never the slowest: of a
 * few dozen calls the p99 would be the slowest one, and one call that waited out a pause (a GC, a
 * CPU taken by the neighbours; the demo's VM migrations on a busy host: 24-66 ms against 2-3 ms)
 * made pooled quiet series raise events in steady traffic. A slowdown slows more than one call.
 */
class SlowestCallTest
{
    private static final long T0 = 1_767_225_600_000L;
    private static final Map<String, String> LABELS = Map.of("metric", "vm_migrate");

    /** 300 s of {@code calls} per second at 2 ms; {@code slowCalls(i)} of second i take 50 ms. */
    private static List<AnomalyEvent> run(final long calls, final IntPredicate slowSecond, final int slowCalls)
    {
        final Random random = new Random(7);
        final List<AnomalyEvent> opened = new ArrayList<>();
        final AnomalyEngine engine = new AnomalyEngine(AnomalySettings.defaults(), e ->
        {
            if (e.isOpen() && e.signal() == Signal.LATENCY_P99)
            {
                opened.add(e);
            }
        });
        for (int i = 0; i < 300; i++)
        {
            final long fast = (long)(2e6 * (1 + 0.05 * random.nextGaussian()));
            final int slow = slowSecond.test(i) ? slowCalls : 0;
            engine.onInterval(new FakeInterval("vm", LABELS, T0 + i * 1000L, calls, 0, fast, slow, 50_000_000));
        }
        return opened;
    }

    @Test
    void oneSlowCallPerValueIsNoSlowdown()
    {
        // 25 calls a second (a value each second), one of them slow for 20 s.
        assertEquals(List.of(), run(25, i -> i >= 150 && i < 170, 1), "25 calls/s");
        // 5 calls a second, pooled 4 seconds to a value: one slow call in each value for 40 s.
        assertEquals(List.of(), run(5, i -> i >= 150 && i < 190 && i % 4 == 0, 1), "5 calls/s, pooled");
    }

    @Test
    void twoSlowCallsPerValueAreASlowdown()
    {
        assertEquals(1, run(25, i -> i >= 150 && i < 170, 2).size(), "25 calls/s");
        assertEquals(1, run(5, i -> i >= 150 && i < 190 && i % 4 == 0, 2).size(), "5 calls/s, pooled");
    }

    @Test
    void fromAHundredCallsTheValueIsTheP99()
    {
        assertEquals(0.99, Signal.quantileOf(100));
        assertEquals(0.99, Signal.quantileOf(5000));
        assertEquals(1.0, Signal.quantileOf(1));
        // rank ceil(q n) = n - 1: the second slowest
        for (long n = 2; n < 100; n++)
        {
            assertEquals(n - 1, (long)Math.ceil(Signal.quantileOf(n) * n), "n = " + n);
        }
    }
}
