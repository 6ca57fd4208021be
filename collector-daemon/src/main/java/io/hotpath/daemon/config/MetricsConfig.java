package io.hotpath.daemon.config;

import io.hotpath.daemon.config.syntax.Checks;

import io.hotpath.daemon.aggregate.NativeHistogramLayout;
import io.hotpath.daemon.aggregate.Quantiles;
import io.hotpath.daemon.expose.ExpositionSettings;
import io.hotpath.wire.config.Durations;
import java.util.ArrayList;
import java.util.List;

/** {@code metrics:} what {@code GET /metrics} carries per series, and which renderings are prepared ahead (see {@link ExpositionSettings}). */
public final class MetricsConfig
{
    private List<String> quantileWindows = ExpositionSettings.DEFAULT_WINDOWS;
    private List<String> quantiles = ExpositionSettings.ALL_QUANTILES;
    private long onDemandIdleMillis = ExpositionSettings.DEFAULT_ON_DEMAND_IDLE_MILLIS;

    /** Windows of {@code hotpath_duration_quantile_seconds}: some of 1s, 1m, 5m, 15m, 1h (may be empty). */
    public void setQuantileWindows(final List<String> value)
    {
        quantileWindows = new ExpositionSettings(value, quantiles, onDemandIdleMillis).quantileWindows();
    }

    /** Quantiles of {@code hotpath_duration_quantile_seconds}: some of 0.5, 0.9, 0.95, 0.99, 0.999, 1 (the max). */
    public void setQuantiles(final List<Double> value)
    {
        final List<String> labels = new ArrayList<>();
        for (final Double quantile : value)
        {
            final int index = quantile == null ? -1 : indexOf(quantile);
            if (index < 0)
            {
                throw new IllegalArgumentException("quantile " + quantile + " is not computed, expected some of "
                    + ExpositionSettings.ALL_QUANTILES);
            }
            labels.add(Quantiles.REPORTED_LABELS[index]);
        }
        quantiles = new ExpositionSettings(quantileWindows, labels, onDemandIdleMillis).quantiles();
    }

    private static int indexOf(final double quantile)
    {
        final double[] reported = Quantiles.REPORTED;
        for (int i = 0; i < reported.length; i++)
        {
            if (reported[i] == quantile)
            {
                return i;
            }
        }
        return -1;
    }

    private int nativeHistogramSchema = NativeHistogramLayout.DEFAULT_SCHEMA;
    private long seriesIdleTimeoutMillis = Durations.millis("5m");

    /** Schema of the native histograms (protobuf exposition, remote_write): 5 … 8; 7 keeps quantiles within 1 % (see NativeHistogramLayout). */
    public void setNativeHistogramSchema(final int value)
    {
        if (value < 5 || value > NativeHistogramLayout.MAX_SCHEMA)
        {
            throw new IllegalArgumentException("expected a schema from 5 to 8 (bucket widths 2.2 % to 0.27 %), got " + value);
        }
        nativeHistogramSchema = value;
    }

    public int nativeHistogramSchema()
    {
        return nativeHistogramSchema;
    }

    /** A series without samples for this long leaves /metrics and gets a staleness marker in remote_write. */
    public void setSeriesIdleTimeout(final String value)
    {
        seriesIdleTimeoutMillis = Checks.positive(Durations.millis(value));
    }

    public long seriesIdleTimeoutMillis()
    {
        return seriesIdleTimeoutMillis;
    }

    /** OpenMetrics and gzip are prepared at each rotation until no scrape asked for them for this long. */
    public void setOnDemandIdle(final String value)
    {
        onDemandIdleMillis = Checks.positive(Durations.millis(value));
    }

    public ExpositionSettings settings()
    {
        return new ExpositionSettings(quantileWindows, quantiles, onDemandIdleMillis);
    }
}
