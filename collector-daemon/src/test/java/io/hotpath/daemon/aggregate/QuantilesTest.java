package io.hotpath.daemon.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Quantiles of the daemon's sparse forms against HdrHistogram's own, for known distributions. */
class QuantilesTest
{
    private static final double[] PERCENTILE_QUANTILES = { 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 0.9999, 1.0 };

    @Test
    void uniformLogNormalBimodalAndConstantMatchHdrHistogram()
    {
        final SplittableRandom random = new SplittableRandom(7);
        check("uniform 1us..10ms", () -> 1_000 + random.nextLong(10_000_000), 50_000);
        check("log-normal median 1ms", () -> (long)Math.exp(Math.log(1e6) + random.nextGaussian() * 0.8), 100_000);
        check("bimodal 50us / 20ms", () -> random.nextInt(10) == 0 ? 20_000_000 + random.nextLong(5_000_000) : 50_000 + random.nextLong(5_000), 30_000);
        check("constant 1234567ns", () -> 1_234_567, 1_000);
        check("single sample", () -> 42, 1);
        check("tiny values 0..3000ns", () -> random.nextLong(3000), 20_000);
    }

    private static void check(final String name, final LongSupplier values, final int n)
    {
        final Histogram reference = new Histogram(1, HistogramLayout.MAX_VALUE, 3);
        final IntervalCounts interval = new IntervalCounts();
        for (int i = 0; i < n; i++)
        {
            final long value = values.getAsLong();
            reference.recordValue(value);
            interval.record(value, false, -1);
        }
        final SparseCounts closed = new SparseCounts();
        interval.drainInto(closed, new long[4]);
        assertEquals(n, closed.totalCount(), name);
        final long[] ours = new long[PERCENTILE_QUANTILES.length];
        Quantiles.compute(closed, null, PERCENTILE_QUANTILES, ours);
        final long[] theirs = new long[PERCENTILE_QUANTILES.length];
        for (int i = 0; i < PERCENTILE_QUANTILES.length; i++)
        {
            theirs[i] = reference.getValueAtPercentile(PERCENTILE_QUANTILES[i] * 100.0);
        }
        assertArrayEquals(theirs, ours, name);
        assertEquals(reference.getMaxValue(), closed.maxValue(), name);
        assertEquals(reference.getCountBetweenValues(0, 1_000_000), closed.countAtOrBelow(1_000_000), name);
    }

    @Test
    void quantilesOfTwoMergedWithoutBuildingTheSum()
    {
        final SplittableRandom random = new SplittableRandom(11);
        final Histogram reference = new Histogram(1, HistogramLayout.MAX_VALUE, 3);
        final SparseCounts a = new SparseCounts();
        final SparseCounts b = new SparseCounts();
        for (int i = 0; i < 40_000; i++)
        {
            final long value = (long)Math.exp(Math.log(2e5) + random.nextGaussian());
            reference.recordValue(value);
            (i % 3 == 0 ? a : b).recordSample(value, false, 0);
        }
        final long[] ours = new long[Quantiles.REPORTED.length];
        Quantiles.compute(a, b, Quantiles.REPORTED, ours);
        for (int i = 0; i < ours.length; i++)
        {
            assertEquals(reference.getValueAtPercentile(Quantiles.REPORTED[i] * 100.0), ours[i], "q" + Quantiles.REPORTED[i]);
        }
    }

    @Test
    void emptyGivesZeros()
    {
        final long[] out = { 9, 9, 9, 9, 9, 9 };
        Quantiles.compute(new SparseCounts(), new SparseCounts(), Quantiles.REPORTED, out);
        assertArrayEquals(new long[6], out);
    }
}
