package io.hotpath.daemon.expose;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.aggregate.Quantiles;
import io.hotpath.daemon.aggregate.SeriesKey;
import io.hotpath.daemon.aggregate.SeriesSnapshot;
import io.hotpath.daemon.aggregate.WindowTiers;
import io.hotpath.wire.TraceIds;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-series families of METRICS.md: {@code hotpath_duration_seconds} (cumulative histogram,
 * exemplars on buckets), {@code hotpath_duration_quantile_seconds} (1 s and window quantiles; NaN
 * while a window is empty), {@code hotpath_calls_total}, {@code hotpath_payload_bytes_total},
 * {@code hotpath_late_samples_total}.
 */
public final class SeriesMetricFamilies implements MetricFamilySource
{
    private static final String[] WINDOW_LABELS = windowLabels();

    private final String[] bucketLabels;
    private final Map<SeriesKey, Labels> labelsByKey = new HashMap<>();

    public SeriesMetricFamilies(final long[] bucketBoundsNanos)
    {
        bucketLabels = new String[bucketBoundsNanos.length + 1];
        for (int i = 0; i < bucketBoundsNanos.length; i++)
        {
            bucketLabels[i] = BigDecimal.valueOf(bucketBoundsNanos[i], 9).stripTrailingZeros().toPlainString();
        }
        bucketLabels[bucketBoundsNanos.length] = "+Inf";
    }

    private static String[] windowLabels()
    {
        final String[] labels = new String[WindowTiers.windowCount() + 1];
        labels[0] = "1s";
        System.arraycopy(WindowTiers.WINDOW_NAMES, 0, labels, 1, WindowTiers.windowCount());
        return labels;
    }

    private Labels labels(final SeriesKey key)
    {
        return labelsByKey.computeIfAbsent(key, k -> Labels.of(k.labels()));
    }

    @Override
    public void writeTo(final MetricWriter writer, final AggregateSnapshot snapshot)
    {
        final List<SeriesSnapshot> series = snapshot.series();
        final boolean exemplars = writer.wantsExemplars();

        writer.family("hotpath_duration_seconds", MetricType.HISTOGRAM,
            "Latency of hot-path calls, cumulative since the counters were created (aggregatable across hosts).");
        for (final SeriesSnapshot s : series)
        {
            final Labels labels = labels(s.key());
            final long[] buckets = s.bucketCounts();
            long cumulative = 0;
            long total = 0;
            for (int i = 0; i < buckets.length; i++)
            {
                cumulative += buckets[i];
                writer.sample("_bucket", labels, "le", bucketLabels[i], null, null, cumulative);
                if (exemplars && s.exemplarValueNanos()[i] >= 0)
                {
                    writer.exemplar(
                        TraceIds.traceIdHex(s.exemplarTraceHigh()[i], s.exemplarTraceLow()[i]),
                        TraceIds.spanIdHex(s.exemplarSpan()[i]), s.exemplarValueNanos()[i], s.exemplarEpochMillis()[i]);
                }
            }
            total = cumulative;
            writer.sampleNanosAsSeconds("_sum", labels, null, null, null, null, s.sumNanosTotal());
            writer.sample("_count", labels, null, null, null, null, total);
        }

        // Typed summary (not gauge): promtool refuses a "quantile" label on anything else. Sample names are unchanged.
        writer.family("hotpath_duration_quantile_seconds", MetricType.SUMMARY,
            "Latency quantiles of the last closed 1 s interval and of the rolling windows (quantile 1 = max).");
        for (final SeriesSnapshot s : series)
        {
            final Labels labels = labels(s.key());
            for (int w = 0; w < WINDOW_LABELS.length; w++)
            {
                final long count = w == 0 ? s.intervalCount() : s.windowCounts()[w - 1];
                final long[] quantiles = w == 0 ? s.intervalQuantiles() : s.windowQuantiles()[w - 1];
                for (int q = 0; q < quantiles.length; q++)
                {
                    if (count == 0)
                    {
                        writer.sample("", labels, "window", WINDOW_LABELS[w], "quantile", Quantiles.REPORTED_LABELS[q], Double.NaN);
                    }
                    else
                    {
                        writer.sampleNanosAsSeconds("", labels, "window", WINDOW_LABELS[w], "quantile", Quantiles.REPORTED_LABELS[q],
                            quantiles[q]);
                    }
                }
            }
        }

        writer.family("hotpath_calls", MetricType.COUNTER, "Hot-path calls by outcome and error type.");
        final String[] errorTypes = snapshot.errorTypeNames();
        for (final SeriesSnapshot s : series)
        {
            final Labels labels = labels(s.key());
            writer.sample("_total", labels, "outcome", "ok", "error_type", "", s.okCalls());
            final long[] errors = s.errorCallsByType();
            for (int e = 0; e < errors.length && e < errorTypes.length; e++)
            {
                if (errors[e] != 0)
                {
                    writer.sample("_total", labels, "outcome", "error", "error_type", errorTypes[e], errors[e]);
                }
            }
        }

        writer.family("hotpath_payload_bytes", MetricType.COUNTER, "Payload bytes of calls that reported a size.");
        for (final SeriesSnapshot s : series)
        {
            writer.sample("_total", labels(s.key()), null, null, null, null, s.payloadBytesTotal());
        }

        writer.family("hotpath_late_samples", MetricType.COUNTER,
            "Samples older than the in-memory windows, counted into the current interval.");
        for (final SeriesSnapshot s : series)
        {
            writer.sample("_total", labels(s.key()), null, null, null, null, s.lateSamples());
        }
    }
}
