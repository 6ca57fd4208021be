package io.hotpath.daemon.expose;

import io.hotpath.daemon.aggregate.Quantiles;
import io.hotpath.daemon.aggregate.WindowTiers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a default {@code /metrics} scrape carries per series, and which renderings are prepared
 * ahead of time (config section {@code metrics:}, see collector-daemon/README.md).
 *
 * <h2>Why the defaults</h2>
 * Every window × quantile of {@code hotpath_duration_quantile_seconds} used to be exposed: 5 windows
 * × 6 quantiles = 30 lines per series, more than the histogram itself, and 10 000 series made a
 * 69 MB scrape. Prometheus users aggregate and compute long-range percentiles from the cumulative
 * {@code hotpath_duration_seconds} histogram ({@code histogram_quantile(0.99, rate(…[5m]))}); the
 * precomputed quantiles earn their place for what the histogram cannot give: the exact 1-second view
 * and the last minute. So the default quantile windows are {@code 1s} and {@code 1m}; 5m/15m/1h are
 * opt-in here and always in {@code GET /metrics/summary}.
 *
 * <h2>Renderings on demand</h2>
 * Prometheus text is rendered at every rotation. OpenMetrics and the gzip'd bodies are prepared at a
 * rotation only while some scrape asked for them within {@link #onDemandIdleMillis} (≤ 0, tests and
 * benchmarks only: OpenMetrics at every rotation, gzip by the first gzip scrape of each rendering).
 *
 * @param quantileWindows    windows of the quantile family, in exposition order ({@code 1s}, then {@link WindowTiers#WINDOW_NAMES}).
 * @param quantiles          quantile labels exposed, a subset of {@link Quantiles#REPORTED_LABELS}.
 * @param onDemandIdleMillis how long after the last request an on-demand rendering is still prepared.
 */
public record ExpositionSettings(List<String> quantileWindows, List<String> quantiles, long onDemandIdleMillis)
{
    /** {@code 1s} plus the aggregator's windows: every window the quantile family can carry. */
    public static final List<String> ALL_WINDOWS = allWindows();
    public static final List<String> DEFAULT_WINDOWS = List.of("1s", "1m");
    public static final List<String> ALL_QUANTILES = List.of(Quantiles.REPORTED_LABELS);
    public static final long DEFAULT_ON_DEMAND_IDLE_MILLIS = 120_000;

    public ExpositionSettings
    {
        quantileWindows = List.copyOf(quantileWindows);
        quantiles = List.copyOf(quantiles);
        for (final String window : quantileWindows)
        {
            if (!ALL_WINDOWS.contains(window))
            {
                throw new IllegalArgumentException("unknown quantile window '" + window + "', expected some of " + ALL_WINDOWS);
            }
        }
        for (final String quantile : quantiles)
        {
            if (!ALL_QUANTILES.contains(quantile))
            {
                throw new IllegalArgumentException("quantile '" + quantile + "' is not computed, expected some of " + ALL_QUANTILES);
            }
        }
    }

    public static ExpositionSettings defaults()
    {
        return new ExpositionSettings(DEFAULT_WINDOWS, ALL_QUANTILES, DEFAULT_ON_DEMAND_IDLE_MILLIS);
    }

    /** Every window and quantile, every rendering prepared at every rotation (tests, benchmarks of the worst case). */
    public static ExpositionSettings everything()
    {
        return new ExpositionSettings(ALL_WINDOWS, ALL_QUANTILES, 0);
    }

    public ExpositionSettings withOnDemandIdleMillis(final long millis)
    {
        return new ExpositionSettings(quantileWindows, quantiles, millis);
    }

    /** Indexes into {@code 1s} + {@link WindowTiers#WINDOW_NAMES} of the exposed windows, in that order. */
    int[] windowIndexes()
    {
        return ALL_WINDOWS.stream().filter(quantileWindows::contains).mapToInt(ALL_WINDOWS::indexOf).toArray();
    }

    /** Indexes into {@link Quantiles#REPORTED_LABELS} of the exposed quantiles, in that order. */
    int[] quantileIndexes()
    {
        return ALL_QUANTILES.stream().filter(quantiles::contains).mapToInt(ALL_QUANTILES::indexOf).toArray();
    }

    private static List<String> allWindows()
    {
        final List<String> windows = new ArrayList<>();
        windows.add("1s");
        windows.addAll(Arrays.asList(WindowTiers.WINDOW_NAMES));
        return List.copyOf(windows);
    }
}
