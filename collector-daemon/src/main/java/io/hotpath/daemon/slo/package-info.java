/**
 * Service level objectives: the SLO file ({@link io.hotpath.daemon.slo.SloFile}, YAML read with
 * line numbers through {@link io.hotpath.wire.config.YamlNode}), live accounting
 * ({@link io.hotpath.daemon.slo.SloEngine}, an {@link io.hotpath.daemon.aggregate.IntervalListener}),
 * per-minute and per-hour good/total counters ({@link io.hotpath.daemon.slo.SloCounters}) kept in
 * the daemon's checkpoint ({@link io.hotpath.daemon.slo.SloStateCodec},
 * {@link io.hotpath.daemon.slo.SloStateDescriptor}) so a restart keeps a 30-day budget, the
 * {@code /api/slos} document ({@link io.hotpath.daemon.slo.SloJson}), and the
 * multi-window multi-burn-rate alerts of the Google SRE workbook
 * ({@link io.hotpath.daemon.slo.BurnRateAlert}).
 */
package io.hotpath.daemon.slo;
