package io.hotpath.daemon.aggregate;

/**
 * The bucket layout of an HdrHistogram with 3 significant digits over 1 ns … 1 h
 * ({@code new Histogram(1, 3_600_000_000_000L, 3)}), reproduced here as pure index arithmetic so
 * that the daemon can store counts in its own compact forms ({@link IntervalCounts},
 * {@link SparseCounts}) while reporting exactly the values HdrHistogram would.
 *
 * <p>Why not HdrHistogram's classes directly: a dense 3-digit 1 ns … 1 h histogram is 33 792 counts
 * (270 KB), and its {@code add}, {@code subtract} and {@code getValueAtPercentile} walk all of them.
 * With 1 000 series, four windows and six quantiles, that is seconds of CPU per second. Latency
 * distributions fill a few hundred to a few thousand of those buckets, so sorted sparse counts make
 * merges and quantile walks proportional to what was recorded. {@code HistogramLayoutTest} pins
 * every index and every reported value against HdrHistogram itself.
 *
 * <p>Layout (HdrHistogram's, unit magnitude 0): 2 048 sub-buckets in bucket 0 (1 ns resolution up
 * to 2 047 ns), then each further bucket doubles the range with 1 024 sub-buckets, 32 buckets in
 * all, {@value #INDEX_COUNT} indexes. Every index fits a {@code char}.
 */
public final class HistogramLayout
{
    /** Largest trackable value: one hour in nanoseconds. Larger durations are clamped to it. */
    public static final long MAX_VALUE = 3_600_000_000_000L;

    private static final int SUB_BUCKET_COUNT_MAGNITUDE = 11;
    private static final int SUB_BUCKET_HALF_COUNT_MAGNITUDE = SUB_BUCKET_COUNT_MAGNITUDE - 1;
    private static final int SUB_BUCKET_HALF_COUNT = 1 << SUB_BUCKET_HALF_COUNT_MAGNITUDE;
    private static final long SUB_BUCKET_MASK = (1L << SUB_BUCKET_COUNT_MAGNITUDE) - 1;
    private static final int LEADING_ZERO_COUNT_BASE = 64 - SUB_BUCKET_COUNT_MAGNITUDE;
    private static final int BUCKET_COUNT = 32;

    /** Number of counts a dense histogram of this layout holds. */
    public static final int INDEX_COUNT = (BUCKET_COUNT + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE;

    private HistogramLayout()
    {
    }

    /** Index of the bucket holding {@code value}; negative values count as 0, values above {@link #MAX_VALUE} as it. */
    public static int index(final long value)
    {
        final long v = value < 0 ? 0 : (value > MAX_VALUE ? MAX_VALUE : value);
        final int bucketIndex = LEADING_ZERO_COUNT_BASE - Long.numberOfLeadingZeros(v | SUB_BUCKET_MASK);
        final int subBucketIndex = (int)(v >>> bucketIndex);
        return ((bucketIndex + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + (subBucketIndex - SUB_BUCKET_HALF_COUNT);
    }

    /** Smallest value that lands in {@code index} (HdrHistogram's {@code valueFromIndex}). */
    public static long lowestValue(final int index)
    {
        int bucketIndex = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
        int subBucketIndex = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
        if (bucketIndex < 0)
        {
            subBucketIndex -= SUB_BUCKET_HALF_COUNT;
            bucketIndex = 0;
        }
        return ((long)subBucketIndex) << bucketIndex;
    }

    /** Largest value that lands in {@code index}: what HdrHistogram reports for a percentile there. */
    public static long highestValue(final int index)
    {
        return lowestValue(index) + rangeSize(index) - 1;
    }

    /** Middle of the bucket, HdrHistogram's {@code medianEquivalentValue}, used for means. */
    public static long medianValue(final int index)
    {
        return lowestValue(index) + (rangeSize(index) >> 1);
    }

    private static long rangeSize(final int index)
    {
        final int bucketIndex = Math.max(0, (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1);
        return 1L << bucketIndex;
    }

    /**
     * The count HdrHistogram's {@code getValueAtPercentile} walks to: ceil of the requested share of
     * {@code total}, at least 1, computed with the same one-ulp nudge so that results agree exactly.
     */
    public static long countAtPercentile(final double percentile, final long total)
    {
        final double requested = Math.min(Math.max(Math.nextAfter(percentile, Double.NEGATIVE_INFINITY), 0.0D), 100.0D);
        final long count = (long)Math.ceil((requested * total) / 100.0D);
        return Math.max(count, 1);
    }
}
