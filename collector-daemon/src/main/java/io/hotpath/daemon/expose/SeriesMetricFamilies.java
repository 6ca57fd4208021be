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
import java.util.ArrayList;
import io.hotpath.daemon.aggregate.NativeHistograms;

/**
 * The per-series families of METRICS.md: {@code hotpath_duration_seconds} (cumulative histogram,
 * exemplars on buckets), {@code hotpath_duration_quantile_seconds} (1 s and window quantiles; NaN
 * while a window is empty), {@code hotpath_calls_total}, {@code hotpath_payload_bytes_total},
 * {@code hotpath_late_samples_total}.
 *
 * <p>What a series costs per scrape is chosen by {@link ExpositionSettings}: by default the quantile
 * family carries the {@code 1s} and {@code 1m} windows only (the histogram serves longer ranges), and
 * {@code hotpath_payload_bytes_total} / {@code hotpath_late_samples_total} appear once they are
 * non-zero (like the error outcomes of {@code hotpath_calls_total}): most rules report no payload
 * size and late samples are rare, so a default series is 19 + 12 + 1 lines with the default buckets
 * instead of 52. {@code ExpositionBudgetTest} keeps it there.
 */
public final class SeriesMetricFamilies implements MetricFamilySource
{
    private static final String[] WINDOW_LABELS = windowLabels();

    private final String[] bucketLabels;
    private final int[] windows;
    private final int[] quantiles;
    private final Map<SeriesKey, Labels> labelsByKey = new HashMap<>();
    /** Native histograms and series activity; null: no native histograms, every series shown. */
    private NativeHistograms natives;

    /** With {@link ExpositionSettings#defaults()}. */
    public SeriesMetricFamilies(final long[] bucketBoundsNanos)
    {
        this(bucketBoundsNanos, ExpositionSettings.defaults());
    }

    public SeriesMetricFamilies(final long[] bucketBoundsNanos, final ExpositionSettings settings)
    {
        windows = settings.windowIndexes();
        quantiles = settings.quantileIndexes();
        bucketLabels = new String[bucketBoundsNanos.length + 1];
        for (int i = 0; i < bucketBoundsNanos.length; i++)
        {
            bucketLabels[i] = BigDecimal.valueOf(bucketBoundsNanos[i], 9).stripTrailingZeros().toPlainString();
        }
        bucketLabels[bucketBoundsNanos.length] = "+Inf";
    }

    /**
     * Adds native histograms (protobuf exposition) and the series lifecycle: a series idle for
     * {@link io.hotpath.daemon.aggregate.NativeHistograms#idleMillis()} leaves every family here.
     */
    public SeriesMetricFamilies withNativeHistograms(final NativeHistograms natives)
    {
        this.natives = natives;
        return this;
    }

    private List<SeriesSnapshot> liveSeries(final AggregateSnapshot snapshot)
    {
        if (natives == null)
        {
            return snapshot.series();
        }
        final List<SeriesSnapshot> live = new ArrayList<>(snapshot.series().size());
        for (final SeriesSnapshot s : snapshot.series())
        {
            if (natives.isLive(s.key().key(), snapshot.rotatedAtEpochMillis()))
            {
                live.add(s);
            }
        }
        return live;
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
        final List<SeriesSnapshot> series = liveSeries(snapshot);
        final boolean exemplars = writer.wantsExemplars();
        final boolean nativeHistograms = natives != null && writer.wantsNativeHistograms();

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
            if (nativeHistograms)
            {
                final NativeHistograms.Entry entry = natives.get(s.key().key());
                writer.nativeHistogram(natives.schema(), entry == null ? null : entry.counts());
            }
        }

        // Typed summary (not gauge): promtool refuses a "quantile" label on anything else. Sample names are unchanged.
        writer.family("hotpath_duration_quantile_seconds", MetricType.SUMMARY,
            "Latency quantiles of the last closed 1 s interval and of the rolling windows (quantile 1 = max).");
        for (final SeriesSnapshot s : series)
        {
            final Labels labels = labels(s.key());
            for (final int w : windows)
            {
                final long count = w == 0 ? s.intervalCount() : s.windowCounts()[w - 1];
                final long[] values = w == 0 ? s.intervalQuantiles() : s.windowQuantiles()[w - 1];
                for (final int q : quantiles)
                {
                    if (count == 0)
                    {
                        writer.sample("", labels, "window", WINDOW_LABELS[w], "quantile", Quantiles.REPORTED_LABELS[q], Double.NaN);
                    }
                    else
                    {
                        writer.sampleNanosAsSeconds("", labels, "window", WINDOW_LABELS[w], "quantile", Quantiles.REPORTED_LABELS[q],
                            values[q]);
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
            if (s.payloadBytesTotal() != 0)
            {
                writer.sample("_total", labels(s.key()), null, null, null, null, s.payloadBytesTotal());
            }
        }

        writer.family("hotpath_late_samples", MetricType.COUNTER,
            "Samples older than the in-memory windows, counted into the current interval.");
        for (final SeriesSnapshot s : series)
        {
            if (s.lateSamples() != 0)
            {
                writer.sample("_total", labels(s.key()), null, null, null, null, s.lateSamples());
            }
        }
    }
}
