package io.hotpath.daemon.aggregate;

import java.util.Arrays;

/**
 * What the aggregator is told by the config: cumulative histogram bucket bounds, the per-metric
 * cardinality cap and which samples keep exemplars.
 *
 * @param bucketBoundsNanos   upper bounds ({@code le}) of the aggregatable Prometheus histogram, ascending, +Inf implied.
 * @param maxSeriesPerMetric  distinct label sets per service + metric before new ones fold into {@code other}.
 * @param exemplarQuantiles   a traced sample at or above the previous interval's value at the lowest of these
 *                            quantiles becomes its bucket's exemplar (the interval max always does).
 */
public record AggregationSettings(long[] bucketBoundsNanos, int maxSeriesPerMetric, double[] exemplarQuantiles)
{
    /** Prometheus-style default buckets from 100 µs to 10 s. */
    public static final long[] DEFAULT_BUCKETS_NANOS = {
        100_000L, 250_000L, 500_000L, 1_000_000L, 2_500_000L, 5_000_000L, 10_000_000L, 25_000_000L,
        50_000_000L, 100_000_000L, 250_000_000L, 500_000_000L, 1_000_000_000L, 2_500_000_000L,
        5_000_000_000L, 10_000_000_000L };

    public AggregationSettings
    {
        if (bucketBoundsNanos.length == 0)
        {
            throw new IllegalArgumentException("at least one histogram bucket is needed");
        }
        for (int i = 1; i < bucketBoundsNanos.length; i++)
        {
            if (bucketBoundsNanos[i] <= bucketBoundsNanos[i - 1])
            {
                throw new IllegalArgumentException("histogram buckets must be strictly ascending: " +
                    Arrays.toString(bucketBoundsNanos));
            }
        }
        if (maxSeriesPerMetric < 1)
        {
            throw new IllegalArgumentException("max series per metric must be at least 1, got " + maxSeriesPerMetric);
        }
        bucketBoundsNanos = bucketBoundsNanos.clone();
        exemplarQuantiles = exemplarQuantiles.clone();
    }

    public static AggregationSettings defaults()
    {
        return new AggregationSettings(DEFAULT_BUCKETS_NANOS, 1000, new double[] { 0.99 });
    }
}
