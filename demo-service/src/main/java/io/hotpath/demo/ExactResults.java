package io.hotpath.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo's own measurements, independent of hotpath: every call's duration (two
 * {@code System.nanoTime()} reads inside the body of the method the agent times, see
 * {@code TransportManager#lastCallNanos()}), outcome and payload, kept
 * per series so exact percentiles can be computed at the end.
 *
 * <p>Results file (TSV, one line per series, header first):
 * {@code series count errors p50_nanos p95_nanos p99_nanos max_nanos payload_bytes}, where
 * {@code series} is {@code metric{key="value",...}} with keys sorted, as the agent's series carry
 * them, and percentiles are exact nearest-rank over all durations: the smallest value with at least
 * p% of the values at or below it.
 *
 * <p>Optional calls log (TSV, one line per call): {@code series duration_nanos payload_bytes outcome error_type},
 * and with {@code --otel-spans} two more columns, {@code trace_id span_id} of the span around the call.
 */
public final class ExactResults implements AutoCloseable
{
    private final Map<String, Series> series = new TreeMap<>();
    private final PrintWriter callsLog;

    public ExactResults(final Path callsLog) throws IOException
    {
        this.callsLog = callsLog == null ? null : new PrintWriter(Files.newBufferedWriter(callsLog, StandardCharsets.UTF_8));
    }

    /** @param errorType {@code null} for ok, else the simple exception name, {@code returned_false} or {@code returned_null}. */
    public void record(final String seriesKey, final long durationNanos, final long payloadBytes, final String errorType)
    {
        record(seriesKey, durationNanos, payloadBytes, errorType, null, null);
    }

    /** As {@link #record(String, long, long, String)}, for a call made inside the span {@code traceId}/{@code spanId} (or none). */
    public synchronized void record(final String seriesKey, final long durationNanos, final long payloadBytes, final String errorType,
        final String traceId, final String spanId)
    {
        series.computeIfAbsent(seriesKey, k -> new Series()).add(durationNanos, payloadBytes, errorType != null);
        if (callsLog != null)
        {
            callsLog.append(seriesKey).append('\t').append(Long.toString(durationNanos)).append('\t')
                .append(Long.toString(payloadBytes)).append('\t').append(errorType == null ? "ok" : "error").append('\t')
                .append(errorType == null ? "" : errorType);
            if (traceId != null)
            {
                callsLog.append('\t').append(traceId).append('\t').append(spanId);
            }
            callsLog.append('\n');
        }
    }

    public static String seriesKey(final String metric, final String... labels)
    {
        final Map<String, String> sorted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2)
        {
            sorted.put(labels[i], labels[i + 1]);
        }
        final StringBuilder key = new StringBuilder(metric).append('{');
        sorted.forEach((k, v) -> key.append(k).append("=\"").append(v).append("\","));
        if (key.charAt(key.length() - 1) == ',')
        {
            key.setLength(key.length() - 1);
        }
        return key.append('}').toString();
    }

    public synchronized long totalCalls()
    {
        return series.values().stream().mapToLong(s -> s.count).sum();
    }

    public synchronized long totalErrors()
    {
        return series.values().stream().mapToLong(s -> s.errors).sum();
    }

    public synchronized void writeResults(final Writer out)
    {
        final PrintWriter writer = new PrintWriter(out);
        writer.println("series\tcount\terrors\tp50_nanos\tp95_nanos\tp99_nanos\tmax_nanos\tpayload_bytes");
        series.forEach((key, s) ->
        {
            final long[] sorted = Arrays.copyOf(s.durations, s.count);
            Arrays.sort(sorted);
            writer.println(key + '\t' + s.count + '\t' + s.errors + '\t' + percentile(sorted, 50) + '\t' +
                percentile(sorted, 95) + '\t' + percentile(sorted, 99) + '\t' + sorted[sorted.length - 1] + '\t' + s.payloadBytes);
        });
        writer.flush();
    }

    /**
     * Nearest rank: the value at 1-based rank ceil(p/100 * n), at least 1 — the definition
     * HdrHistogram's {@code getValueAtPercentile} (and so hotpathd) uses, which reports that rank's
     * bucket (at most 0.1 % above the value). The rank is computed in integers (percentages with up
     * to three decimals), because {@code ceil(p / 100.0 * n)} in doubles overshoots by one where p·n/100
     * is a whole number that the product misses by an ulp (99.9 % of 1 000 gives rank 1 000, not 999).
     */
    public static long percentile(final long[] sorted, final double percent)
    {
        return sorted[nearestRank(percent, sorted.length) - 1];
    }

    /** 1-based nearest rank ceil(p/100 * n) of {@code percent} (0–100, up to three decimals) among {@code n} values. */
    public static int nearestRank(final double percent, final int n)
    {
        final long perHundredThousand = Math.round(percent * 1000.0);
        final long rank = (perHundredThousand * n + 99_999L) / 100_000L;
        return (int)Math.max(1L, Math.min(n, rank));
    }

    @Override
    public void close()
    {
        if (callsLog != null)
        {
            callsLog.close();
        }
    }

    private static final class Series
    {
        long[] durations = new long[1024];
        int count;
        int errors;
        long payloadBytes;

        void add(final long duration, final long payload, final boolean error)
        {
            if (count == durations.length)
            {
                durations = Arrays.copyOf(durations, count * 2);
            }
            durations[count++] = duration;
            if (error)
            {
                errors++;
            }
            if (payload > 0)
            {
                payloadBytes += payload;
            }
        }
    }
}
