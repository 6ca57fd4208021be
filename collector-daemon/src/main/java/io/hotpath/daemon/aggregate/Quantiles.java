package io.hotpath.daemon.aggregate;

import java.util.Arrays;

/**
 * Quantiles of {@link SparseCounts}, alone or of the sum of two without building the sum: one
 * merged walk over the non-zero buckets computes every requested quantile, with exactly the
 * rounding of HdrHistogram's {@code getValueAtPercentile} (see {@link HistogramLayout#countAtPercentile}).
 */
public final class Quantiles
{
    /** The quantiles the daemon reports everywhere: p50, p90, p95, p99, p99.9 and max. */
    public static final double[] REPORTED = { 0.5, 0.9, 0.95, 0.99, 0.999, 1.0 };

    /** Label values of {@link #REPORTED}, as they appear in {@code quantile="…"}. */
    public static final String[] REPORTED_LABELS = { "0.5", "0.9", "0.95", "0.99", "0.999", "1" };

    private Quantiles()
    {
    }

    /**
     * Writes into {@code out[i]} the value (nanoseconds, highest equivalent value of its bucket) at
     * {@code quantiles[i]} of {@code a + b}; {@code b} may be null. Quantiles must be ascending in
     * (0, 1]. All zeros when both are empty.
     */
    public static void compute(final SparseCounts a, final SparseCounts b, final double[] quantiles, final long[] out)
    {
        final long total = a.totalCount() + (b == null ? 0 : b.totalCount());
        if (total == 0)
        {
            Arrays.fill(out, 0, quantiles.length, 0L);
            return;
        }
        int q = 0;
        long target = HistogramLayout.countAtPercentile(quantiles[0] * 100.0, total);
        long running = 0;
        int i = 0;
        int j = 0;
        final int aSize = a.size();
        final int bSize = b == null ? 0 : b.size();
        while (i < aSize || j < bSize)
        {
            final int index;
            if (j >= bSize || (i < aSize && a.indexAt(i) < b.indexAt(j)))
            {
                index = a.indexAt(i);
                running += a.countAt(i++);
            }
            else if (i >= aSize || b.indexAt(j) < a.indexAt(i))
            {
                index = b.indexAt(j);
                running += b.countAt(j++);
            }
            else
            {
                index = a.indexAt(i);
                running += a.countAt(i++) + b.countAt(j++);
            }
            while (running >= target)
            {
                out[q++] = HistogramLayout.highestValue(index);
                if (q == quantiles.length)
                {
                    return;
                }
                target = HistogramLayout.countAtPercentile(quantiles[q] * 100.0, total);
            }
        }
        throw new IllegalStateException("bucket counts sum below their total " + total);
    }
}
