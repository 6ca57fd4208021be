package io.hotpath.daemon.aggregate;

/**
 * Downstream of the aggregator: called on the aggregation thread for every series after each
 * 1-second rotation (series with no samples in the interval are reported too, with count 0, so
 * detectors see silence). Must be quick and must not block; must not retain {@code interval}.
 *
 * <p>Every sample the daemon counts reaches a listener exactly once: through {@link #onInterval}
 * when it arrived while its second was open, else through {@link #onLateInterval} at the next
 * rotation. So a listener that sums both (SLO accounting) counts what {@code hotpath_calls_total}
 * counts, and a checkpoint taken right after a rotation pairs the listener's state with the queue
 * positions exactly.
 */
@FunctionalInterface
public interface IntervalListener
{
    void onInterval(ClosedInterval interval);

    /**
     * Samples of already closed seconds read since the last rotation (the last milliseconds of a
     * second read just after it closed, a queue read late), one call per series and minute, before
     * that rotation's {@link #onInterval} calls; {@code samples.intervalStartEpochMillis()} is the
     * start of their minute. Default: ignored (detectors judge each second once, as it closes).
     */
    default void onLateInterval(final ClosedInterval samples)
    {
    }

    /** After every series of a rotation was reported (once per rotation, however many seconds it closed). */
    default void afterRotation()
    {
    }
}
