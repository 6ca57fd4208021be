/**
 * Anomaly detection on the 1-second series: {@code aggregate → detect → expose}.
 *
 * <p>{@link io.hotpath.daemon.detect.AnomalyEngine} is an
 * {@link io.hotpath.daemon.aggregate.IntervalListener}: for every series it keeps one
 * {@link io.hotpath.daemon.detect.AnomalyMonitor} per watched {@link io.hotpath.daemon.detect.Signal}
 * (p99 latency, error ratio, throughput) and {@link io.hotpath.daemon.detect.DetectorKind}
 * (EWMA z-score, median/MAD, level shift). A monitor is a {@link io.hotpath.daemon.detect.Detector}
 * (score in standard deviations, robust to its own outliers, silent while warming up) followed by an
 * {@link io.hotpath.daemon.detect.EventSuppressor} (hysteresis, minimum duration, hold, cool-down),
 * so a flapping series is one event. Events are logged (start and end), counted and kept in a ring.
 *
 * <p>The {@code backtest} command ({@link io.hotpath.daemon.detect.BacktestCommand}) replays a CSV
 * through the same monitors. Settings: {@link io.hotpath.daemon.detect.AnomalySettings}.
 */
package io.hotpath.daemon.detect;
