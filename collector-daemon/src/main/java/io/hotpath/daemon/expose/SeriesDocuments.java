package io.hotpath.daemon.expose;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.aggregate.Quantiles;
import io.hotpath.daemon.aggregate.SeriesSnapshot;
import io.hotpath.daemon.aggregate.WindowTiers;
import io.hotpath.wire.TraceIds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON documents about series, from one published {@link AggregateSnapshot}:
 * {@code /api/series} (key, labels, calls) and {@code /metrics/summary} (the same plus the last
 * second, every window, totals by error type and the exemplars).
 */
final class SeriesDocuments
{
    private SeriesDocuments()
    {
    }

    static Map<String, Object> series(final AggregateSnapshot last)
    {
        final List<Map<String, Object>> list = new ArrayList<>(last.series().size());
        for (final SeriesSnapshot s : last.series())
        {
            final Map<String, Object> entry = identity(s);
            entry.put("calls", s.callsTotal());
            list.add(entry);
        }
        return Map.of("series", list);
    }

    static Map<String, Object> summary(final AggregateSnapshot last)
    {
        final List<Map<String, Object>> list = new ArrayList<>(last.series().size());
        for (final SeriesSnapshot s : last.series())
        {
            final Map<String, Object> entry = identity(s);
            final Map<String, Object> interval = stats(s.intervalCount(), s.intervalErrors(), s.intervalMeanNanos(), s.intervalQuantiles());
            interval.put("startEpochMillis", s.intervalStartEpochMillis());
            interval.put("payloadBytes", s.intervalPayloadBytes());
            entry.put("last1s", interval);
            final Map<String, Object> windows = new LinkedHashMap<>();
            for (int w = 0; w < WindowTiers.windowCount(); w++)
            {
                final Map<String, Object> window = stats(s.windowCounts()[w], s.windowErrors()[w], s.windowMeanNanos()[w], s.windowQuantiles()[w]);
                window.put("spanSeconds", s.windowSpanSeconds()[w]);
                windows.put(WindowTiers.WINDOW_NAMES[w], window);
            }
            entry.put("windows", windows);
            entry.put("totals", totals(s, last.errorTypeNames()));
            entry.put("exemplars", exemplars(s));
            list.add(entry);
        }
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("intervalStartEpochMillis", last.intervalStartEpochMillis());
        body.put("series", list);
        return body;
    }

    /** The fields both documents start a series with: its key and labels. */
    private static Map<String, Object> identity(final SeriesSnapshot s)
    {
        final Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("series", s.key().key());
        entry.put("labels", s.key().labels());
        return entry;
    }

    private static Map<String, Object> totals(final SeriesSnapshot s, final String[] errorTypeNames)
    {
        final Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("calls", s.callsTotal());
        totals.put("ok", s.okCalls());
        final Map<String, Long> errors = new LinkedHashMap<>();
        for (int e = 0; e < s.errorCallsByType().length && e < errorTypeNames.length; e++)
        {
            if (s.errorCallsByType()[e] != 0)
            {
                errors.put(errorTypeNames[e], s.errorCallsByType()[e]);
            }
        }
        totals.put("errors", errors);
        totals.put("payloadBytes", s.payloadBytesTotal());
        totals.put("lateSamples", s.lateSamples());
        return totals;
    }

    /** The series' bucket exemplars, by bucket (as on {@code /metrics} in OpenMetrics): traced samples of slow calls. */
    private static List<Map<String, Object>> exemplars(final SeriesSnapshot s)
    {
        final List<Map<String, Object>> exemplars = new ArrayList<>();
        for (int b = 0; b < s.exemplarValueNanos().length; b++)
        {
            if (s.exemplarValueNanos()[b] >= 0)
            {
                final Map<String, Object> exemplar = new LinkedHashMap<>();
                exemplar.put("valueSeconds", s.exemplarValueNanos()[b] / 1e9);
                exemplar.put("traceId", TraceIds.traceIdHex(s.exemplarTraceHigh()[b], s.exemplarTraceLow()[b]));
                exemplar.put("spanId", TraceIds.spanIdHex(s.exemplarSpan()[b]));
                exemplar.put("epochMillis", s.exemplarEpochMillis()[b]);
                exemplars.add(exemplar);
            }
        }
        return exemplars;
    }

    private static Map<String, Object> stats(final long count, final long errors, final double meanNanos, final long[] quantiles)
    {
        final Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("count", count);
        stats.put("errors", errors);
        stats.put("meanSeconds", meanNanos / 1e9);
        final Map<String, Object> values = new LinkedHashMap<>();
        for (int q = 0; q < quantiles.length; q++)
        {
            values.put(Quantiles.REPORTED_LABELS[q], count == 0 ? null : quantiles[q] / 1e9);
        }
        stats.put("quantileSeconds", values);
        return stats;
    }
}
