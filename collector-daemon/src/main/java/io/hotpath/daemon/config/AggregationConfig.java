package io.hotpath.daemon.config;

import io.hotpath.daemon.config.syntax.Checks;

import io.hotpath.daemon.aggregate.AggregationSettings;
import java.util.List;

/** {@code aggregation:} buckets, cardinality cap, exemplars. */
public final class AggregationConfig
{
    private long[] bucketBoundsNanos = AggregationSettings.DEFAULT_BUCKETS_NANOS.clone();
    private int maxSeriesPerMetric = 1000;
    private double[] exemplarQuantiles = { 0.99 };

    public long[] bucketBoundsNanos()
    {
        return bucketBoundsNanos.clone();
    }

    /** Bucket upper bounds in seconds, ascending. */
    public void setHistogramBuckets(final List<Double> seconds)
    {
        if (seconds.isEmpty())
        {
            throw new IllegalArgumentException("at least one bucket is needed");
        }
        final long[] nanos = new long[seconds.size()];
        for (int i = 0; i < nanos.length; i++)
        {
            final double value = seconds.get(i);
            if (!(value > 0) || value > 3600)
            {
                throw new IllegalArgumentException("bucket " + value + " s is outside (0, 3600]");
            }
            nanos[i] = Math.round(value * 1e9);
            if (i > 0 && nanos[i] <= nanos[i - 1])
            {
                throw new IllegalArgumentException("buckets must be strictly ascending: " + seconds);
            }
        }
        bucketBoundsNanos = nanos;
    }

    public int maxSeriesPerMetric()
    {
        return maxSeriesPerMetric;
    }

    public void setMaxSeriesPerMetric(final int value)
    {
        maxSeriesPerMetric = (int)Checks.positive(value);
    }

    public double[] exemplarQuantiles()
    {
        return exemplarQuantiles.clone();
    }

    public void setExemplarQuantiles(final List<Double> quantiles)
    {
        final double[] values = new double[quantiles.size()];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = quantiles.get(i);
            if (!(values[i] > 0 && values[i] <= 1))
            {
                throw new IllegalArgumentException("quantile " + values[i] + " is outside (0, 1]");
            }
        }
        exemplarQuantiles = values;
    }

    public AggregationSettings toSettings()
    {
        return new AggregationSettings(bucketBoundsNanos, maxSeriesPerMetric, exemplarQuantiles);
    }
}
