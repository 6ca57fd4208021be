package io.hotpath.daemon.aggregate;

import java.util.List;
import java.util.Map;

/**
 * Everything readers need from one rotation, immutable: per-series numbers, the error type names
 * their counters are indexed by, and the aggregator's own state.
 *
 * @param intervalStartEpochMillis start of the last closed interval.
 * @param rotatedAtEpochMillis     wall-clock time the rotation ran.
 * @param rotationDurationNanos    how long closing the interval and taking this snapshot took.
 */
public record AggregateSnapshot(
    long intervalStartEpochMillis,
    long rotatedAtEpochMillis,
    long rotationDurationNanos,
    List<SeriesSnapshot> series,
    String[] errorTypeNames,
    Map<String, Long> overflowByMetric)
{
    public static AggregateSnapshot empty(final long nowMillis)
    {
        return new AggregateSnapshot(0, nowMillis, 0, List.of(), new String[] { ErrorTypes.UNKNOWN }, Map.of());
    }
}
