package io.hotpath.daemon.aggregate;

/**
 * Downstream of the aggregator: called on the aggregation thread for every series after each
 * 1-second rotation (series with no samples in the interval are reported too, with count 0, so
 * detectors see silence). Must be quick and must not block; must not retain {@code interval}.
 */
@FunctionalInterface
public interface IntervalListener
{
    void onInterval(ClosedInterval interval);
}
