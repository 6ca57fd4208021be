package io.hotpath.daemon.aggregate;

import java.util.Map;

/**
 * One closed 1-second interval of one series: what the aggregator hands downstream (anomaly
 * detectors, SLO accounting) once per series per rotation. A view over the aggregator's own
 * buffers, valid only during the {@link IntervalListener#onInterval} call: copy what must outlive it.
 */
public interface ClosedInterval
{
    /** Stable identity of the series: service, metric and labels, e.g. {@code demo/transport_send{transport="quic"}}. */
    String seriesKey();

    /** All labels of the series, {@code service}, {@code metric} and {@code kind} included. */
    Map<String, String> labels();

    /** Start of the interval, epoch milliseconds, on a whole second. */
    long intervalStartEpochMillis();

    /** Samples that ended in the interval. */
    long count();

    /**
     * Of {@link #count()}, samples their writer took from its ring only after the interval had ended (the batch's
     * write time): the writing JVM, or its drain thread, was paused or starved at the boundary. 0 when the writer
     * does not stamp its batches.
     */
    default long writtenLateCount()
    {
        return 0;
    }

    /** Of {@link #count()}, those with outcome error. */
    long errorCount();

    /** Payload bytes of the interval's samples that reported a size. */
    long payloadBytes();

    /** Latency quantile of the interval in nanoseconds, to the histogram's precision; 0 when empty. */
    long quantileNanos(double quantile);

    /** Mean latency in nanoseconds; 0 when empty. */
    double meanNanos();

    /** Samples of the interval whose latency was at most {@code thresholdNanos} (for latency SLIs). */
    long countAtOrBelow(long thresholdNanos);

    /**
     * The interval's counts in {@link HistogramLayout} buckets (what native histograms are built
     * from); valid only during the listener call. Null when the implementation has none.
     */
    default SparseCounts counts()
    {
        return null;
    }
}
