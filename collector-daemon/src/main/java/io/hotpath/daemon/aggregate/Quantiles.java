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
        if (zerosWhenEmpty(total, quantiles, out))
        {
            return;
        }
        int q = 0;
        long target = target(quantiles, 0, total);
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
            if (running >= target)
            {
                q = reached(quantiles, q, total, running, index, out);
                if (q == quantiles.length)
                {
                    return;
                }
                target = target(quantiles, q, total);
            }
        }
        throw new IllegalStateException("bucket counts sum below their total " + total);
    }

    /** All zeros in {@code out} when there is no sample; then true (the caller is done). */
    static boolean zerosWhenEmpty(final long total, final double[] quantiles, final long[] out)
    {
        if (total != 0)
        {
            return false;
        }
        Arrays.fill(out, 0, quantiles.length, 0L);
        return true;
    }

    /** The count of {@code total} quantile {@code q} is reached at, with HdrHistogram's rounding. */
    static long target(final double[] quantiles, final int q, final long total)
    {
        return HistogramLayout.countAtPercentile(quantiles[q] * 100.0, total);
    }

    /**
     * In an ascending walk over the buckets, once {@code running} samples are counted up to bucket
     * {@code index}: writes that bucket's value for every quantile from {@code q} on whose target it
     * reaches, and returns the first quantile not reached ({@code quantiles.length} when done).
     */
    static int reached(final double[] quantiles, final int q, final long total, final long running, final int index, final long[] out)
    {
        int next = q;
        do
        {
            out[next++] = HistogramLayout.highestValue(index);
        }
        while (next < quantiles.length && running >= target(quantiles, next, total));
        return next;
    }
}
