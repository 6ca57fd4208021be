/**
 * What hotpathd says to the rest of the stack: the metric names of the contract
 * ({@link io.hotpath.daemon.rules.MetricNames}, checked against METRICS.md), the writer the engines
 * expose through ({@link io.hotpath.daemon.rules.MetricFamilyWriter},
 * {@link io.hotpath.daemon.rules.PrometheusTextWriter}, {@link io.hotpath.daemon.rules.LabelSets}),
 * the generated Prometheus rule file ({@link io.hotpath.daemon.rules.RuleFileGenerator}, command
 * {@code rules}) and Grafana dashboards ({@link io.hotpath.daemon.rules.DashboardGenerator}, command
 * {@code dashboards}), which use only those names.
 */
package io.hotpath.daemon.rules;
