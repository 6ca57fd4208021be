package io.hotpath.daemon.detect;

import java.util.Map;

import io.hotpath.daemon.aggregate.ClosedInterval;

/**
 * A {@link ClosedInterval} for tests: {@code count} calls, {@code slowCount} of them taking
 * {@code slowNanos} and the rest {@code fastNanos}, {@code errorCount} of them errors, {@code writtenLate} of them
 * written after the interval ended.
 */
public record FakeInterval(
    String seriesKey,
    Map<String, String> labels,
    long intervalStartEpochMillis,
    long count,
    long errorCount,
    long fastNanos,
    long slowCount,
    long slowNanos,
    long writtenLate) implements ClosedInterval
{
    /** No call written late (after the interval ended). */
    public FakeInterval(final String seriesKey, final Map<String, String> labels, final long intervalStartEpochMillis, final long count,
        final long errorCount, final long fastNanos, final long slowCount, final long slowNanos)
    {
        this(seriesKey, labels, intervalStartEpochMillis, count, errorCount, fastNanos, slowCount, slowNanos, 0);
    }

    @Override
    public long writtenLateCount()
    {
        return writtenLate;
    }

    public static FakeInterval uniform(
        final String key, final Map<String, String> labels, final long start, final long count, final long errors,
        final long latencyNanos)
    {
        return new FakeInterval(key, labels, start, count, errors, latencyNanos, 0, latencyNanos);
    }

    @Override
    public long payloadBytes()
    {
        return 0;
    }

    @Override
    public long quantileNanos(final double quantile)
    {
        if (count == 0)
        {
            return 0;
        }
        final long rank = (long)Math.ceil(quantile * count);
        return rank <= count - slowCount ? fastNanos : slowNanos;
    }

    @Override
    public double meanNanos()
    {
        return count == 0 ? 0 : ((count - slowCount) * (double)fastNanos + slowCount * (double)slowNanos) / count;
    }

    @Override
    public long countAtOrBelow(final long thresholdNanos)
    {
        return (fastNanos <= thresholdNanos ? count - slowCount : 0) + (slowNanos <= thresholdNanos ? slowCount : 0);
    }
}
