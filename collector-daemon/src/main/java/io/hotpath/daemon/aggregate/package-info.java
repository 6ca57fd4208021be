/**
 * Step 2: per-series 1-second intervals in HdrHistogram's 3-digit layout
 * ({@link io.hotpath.daemon.aggregate.HistogramLayout}), rotated on wall-clock seconds by the
 * {@link io.hotpath.daemon.aggregate.Aggregator}, rolling windows from compact tiered blocks
 * ({@link io.hotpath.daemon.aggregate.WindowTiers}), and the hand-off downstream: closed intervals to
 * {@link io.hotpath.daemon.aggregate.IntervalListener}s (detect, SLO), immutable
 * {@link io.hotpath.daemon.aggregate.AggregateSnapshot}s to {@link io.hotpath.daemon.expose}.
 */
package io.hotpath.daemon.aggregate;
