package io.hotpath.daemon.detect;

import io.hotpath.daemon.aggregate.ClosedInterval;

/**
 * What the detectors watch on each 1-second interval of a series. The {@link #label()} is the value
 * of the {@code signal} label on the anomaly families.
 */
public enum Signal
{
    /**
     * 99th percentile latency of the interval, seconds; undefined for an empty interval. Never the one
     * slowest call: of fewer than 100 calls the p99 would be the slowest, which a single call that
     * waited out a pause (a GC, a CPU taken by the neighbours) makes; the second slowest is taken
     * instead (a real slowdown slows more than one call), see {@link #quantileOf}.
     */
    LATENCY_P99("latency_p99")
    {
        @Override
        double extract(final ClosedInterval interval, final long minCount)
        {
            final long count = interval.count();
            return count == 0 || count < minCount ? Double.NaN : interval.quantileNanos(quantileOf(count)) / 1e9;
        }
    },
    /** Errors / calls of the interval; undefined for an interval with fewer than {@code min_calls} calls (the engine pools those). */
    ERROR_RATIO("error_ratio")
    {
        @Override
        double extract(final ClosedInterval interval, final long minCount)
        {
            final long count = interval.count();
            return count == 0 || count < minCount ? Double.NaN : (double)interval.errorCount() / count;
        }
    },
    /** Calls per second; an empty interval is a real 0 (silence is what a throughput detector looks for). */
    THROUGHPUT("throughput")
    {
        @Override
        double extract(final ClosedInterval interval, final long minCount)
        {
            return interval.count();
        }
    };

    /** Calls from which the p99 is no longer the slowest call (the 99th of 100 is the second slowest). */
    static final long P99_CALLS = 100;

    /**
     * The quantile the latency value of {@code count} calls is: 0.99 from {@link #P99_CALLS} calls on,
     * below that the one whose rank is the second slowest call (the only one of a single call).
     */
    static double quantileOf(final long count)
    {
        return count >= P99_CALLS ? 0.99 : count < 2 ? 1.0 : (count - 1.5) / count;
    }

    private final String label;

    Signal(final String label)
    {
        this.label = label;
    }

    public String label()
    {
        return label;
    }

    /** The signal's value for one interval, or NaN when the interval says nothing about it. */
    abstract double extract(ClosedInterval interval, long minCount);

    public static Signal fromLabel(final String label)
    {
        for (final Signal signal : values())
        {
            if (signal.label.equals(label))
            {
                return signal;
            }
        }
        throw new IllegalArgumentException("unknown signal \"" + label + "\"; expected latency_p99, error_ratio or throughput");
    }
}
