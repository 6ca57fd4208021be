package io.hotpath.daemon.aggregate;

/**
 * Immutable numbers of one series as of a rotation: what {@code /metrics}, the JSON endpoints and the
 * Pushgateway read, on other threads, without touching the aggregator. Quantile arrays follow
 * {@link Quantiles#REPORTED}; window arrays follow {@link WindowTiers#WINDOW_NAMES}; durations are
 * nanoseconds. Arrays are owned by the snapshot: never modify them.
 *
 * @param intervalStartEpochMillis start of the last closed 1 s interval.
 * @param intervalQuantiles        1 s quantiles; the last (max) is the exact largest duration.
 * @param windowSpanSeconds        seconds each window currently covers (see {@link WindowTiers}).
 * @param errorCallsByType         cumulative error calls by {@link ErrorTypes} index.
 * @param bucketCounts             cumulative per-bucket (not yet cumulative over {@code le}) counts, +Inf last.
 * @param exemplarValueNanos       per bucket, the exemplar's duration or -1 when the bucket has none.
 */
public record SeriesSnapshot(
    SeriesKey key,
    long intervalStartEpochMillis,
    long intervalCount,
    long intervalErrors,
    long intervalPayloadBytes,
    double intervalMeanNanos,
    long[] intervalQuantiles,
    long[] windowCounts,
    long[] windowErrors,
    double[] windowMeanNanos,
    long[][] windowQuantiles,
    long[] windowSpanSeconds,
    long okCalls,
    long[] errorCallsByType,
    long payloadBytesTotal,
    long[] bucketCounts,
    long sumNanosTotal,
    long lateSamples,
    long[] exemplarValueNanos,
    long[] exemplarTraceHigh,
    long[] exemplarTraceLow,
    long[] exemplarSpan,
    long[] exemplarEpochMillis)
{
    /** Cumulative calls, all outcomes. */
    public long callsTotal()
    {
        long total = okCalls;
        for (final long errors : errorCallsByType)
        {
            total += errors;
        }
        return total;
    }
}
