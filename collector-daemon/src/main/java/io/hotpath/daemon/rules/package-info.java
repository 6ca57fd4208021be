/**
 * What hotpathd says to the rest of the stack: the metric names of the contract
 * ({@link io.hotpath.daemon.rules.MetricNames}, checked against METRICS.md), the one label-value
 * escaper of the exposition and of PromQL ({@link io.hotpath.daemon.rules.LabelValues}), label sets
 * shared by series ({@link io.hotpath.daemon.rules.LabelSets}), the generated Prometheus rule file
 * ({@link io.hotpath.daemon.rules.RuleFileGenerator}, command {@code rules}) and Grafana dashboards
 * ({@link io.hotpath.daemon.rules.DashboardGenerator} laid out by {@code DashboardLayout}, command
 * {@code dashboards}), which use only those names. Families are written through
 * {@link io.hotpath.daemon.expose.MetricWriter} only.
 */
package io.hotpath.daemon.rules;
