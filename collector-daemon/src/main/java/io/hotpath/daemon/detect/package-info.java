/**
 * Anomaly detection on the 1-second series: {@code aggregate → detect → expose}.
 *
 * <p>{@link io.hotpath.daemon.detect.AnomalyEngine} is an
 * {@link io.hotpath.daemon.aggregate.IntervalListener}: for every series it keeps one
 * {@link io.hotpath.daemon.detect.AnomalyMonitor} per watched {@link io.hotpath.daemon.detect.Signal}
 * (p99 latency, error ratio, throughput) and {@link io.hotpath.daemon.detect.DetectorKind}: by
 * default one, the {@link io.hotpath.daemon.detect.AdaptiveDetector} (point, shift, spread and range
 * tests on a learnt normalisation with daily/weekly baselines, fused: one event per change, naming
 * the tests that agreed and the direction); the EWMA z-score, median/MAD and level-shift detectors
 * remain available by configuration. A monitor is a {@link io.hotpath.daemon.detect.Detector}
 * (score in standard deviations, robust to its own outliers, silent while warming up) followed by an
 * {@link io.hotpath.daemon.detect.EventSuppressor} (hysteresis, minimum duration, hold, cool-down),
 * so a flapping series is one event. Durations count intervals (1 s in the daemon, a row in the
 * backtest). Events are logged (start and end), counted and kept in a ring; events of any series and
 * signal that start together are grouped into incidents ({@link io.hotpath.daemon.detect.IncidentGrouper}).
 *
 * <p>The {@code backtest} command ({@link io.hotpath.daemon.detect.BacktestCommand}) replays a CSV
 * through the same monitors, and with {@code --corpus DIR --windows FILE} scores a labelled corpus the way
 * the Numenta Anomaly Benchmark does ({@link io.hotpath.daemon.detect.WindowScorer}). Settings:
 * {@link io.hotpath.daemon.detect.AnomalySettings}.
 */
package io.hotpath.daemon.detect;
