package io.hotpath.daemon.rules;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Grafana dashboards (JSON model, schema 39) over the metrics hotpathd exposes and the generated
 * rules record: an overview, one per kind (transport, P2P, migration), SLOs and error budgets, and
 * hotpath's self-monitoring. Every query uses only {@link MetricNames} (a test parses each one), and
 * a {@code datasource} variable, so the files import into any Grafana with a Prometheus source.
 */
public final class DashboardGenerator
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DS = "${datasource}";
    private static final String RATE = "[$__rate_interval]";
    private static final String SEL = "service=~\"$service\"";

    /** File name to dashboard, in a stable order. */
    public Map<String, ObjectNode> generate()
    {
        final Map<String, ObjectNode> dashboards = new LinkedHashMap<>();
        dashboards.put("hotpath-overview.json", overview());
        dashboards.put("hotpath-transport.json", kind("transport", "Transport", true));
        dashboards.put("hotpath-p2p.json", kind("p2p", "P2P", false));
        dashboards.put("hotpath-migration.json", kind("migration", "Migration", false));
        dashboards.put("hotpath-slo.json", slo());
        dashboards.put("hotpath-self.json", self());
        return dashboards;
    }

    /** Pretty JSON of a dashboard. */
    public static String toJson(final ObjectNode dashboard)
    {
        try
        {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(dashboard) + "\n";
        }
        catch (final com.fasterxml.jackson.core.JsonProcessingException e)
        {
            throw new IllegalStateException("cannot happen for a tree of plain values", e);
        }
    }

    private ObjectNode overview()
    {
        final Layout layout = new Layout("hotpath-overview", "hotpath / Overview",
            "Every instrumented hot path: throughput, errors, latency, open anomalies and SLO budgets.");
        layout.variable("service", "label_values(" + MetricNames.CALLS_TOTAL + ", service)", true);
        layout.stat("Calls / s", "short",
            "sum(rate(" + MetricNames.CALLS_TOTAL + "{" + SEL + "}" + RATE + "))");
        layout.stat("Error ratio (5m)", "percentunit",
            "sum(rate(" + MetricNames.CALLS_TOTAL + "{" + SEL + ",outcome=\"error\"}[5m])) / sum(rate("
                + MetricNames.CALLS_TOTAL + "{" + SEL + "}[5m]))");
        layout.stat("Open anomalies", "short", "sum(" + MetricNames.ANOMALY_ACTIVE + "{" + SEL + "}) or vector(0)");
        // Incidents are per daemon (events of several series grouped): no series labels to select on.
        layout.stat("Open incidents", "short", "sum(" + MetricNames.ANOMALY_INCIDENTS_ACTIVE + ") or vector(0)");
        layout.stat("Incidents, last hour", "short",
            "sum(increase(" + MetricNames.ANOMALY_INCIDENTS_TOTAL + "[1h])) or vector(0)");
        layout.stat("Lowest SLO budget left", "percentunit", "min(" + MetricNames.SLO_ERROR_BUDGET_REMAINING_RATIO + ")");
        layout.timeseries("Calls / s by hot path", "reqps",
            target("sum by (service, metric) (rate(" + MetricNames.CALLS_TOTAL + "{" + SEL + "}" + RATE + "))",
                "{{service}} {{metric}}"));
        layout.timeseries("Error ratio by hot path", "percentunit",
            target("sum by (service, metric) (rate(" + MetricNames.CALLS_TOTAL + "{" + SEL + ",outcome=\"error\"}" + RATE
                + ")) / sum by (service, metric) (rate(" + MetricNames.CALLS_TOTAL + "{" + SEL + "}" + RATE + "))",
                "{{service}} {{metric}}"));
        layout.timeseries("p99 latency by hot path (histogram, all hosts)", "s",
            target("histogram_quantile(0.99, sum by (service, metric, le) (rate(" + MetricNames.DURATION_SECONDS
                + "_bucket{" + SEL + "}" + RATE + ")))", "{{service}} {{metric}}"));
        layout.timeseries("p99 latency by hot path (daemon, last 1s, per host)", "s",
            target(MetricNames.DURATION_QUANTILE_SECONDS + "{" + SEL + ",window=\"1s\",quantile=\"0.99\"}",
                "{{instance}} {{service}} {{metric}}"));
        layout.timeseries("Anomaly scores (σ)", "short",
            target("max by (service, metric, signal) (" + MetricNames.ANOMALY_SCORE + "{" + SEL + "})",
                "{{service}} {{metric}} {{signal}}"));
        layout.timeseries("SLO error budget left", "percentunit",
            target(MetricNames.SLO_ERROR_BUDGET_REMAINING_RATIO, "{{slo}}"));
        layout.table("Open anomalies",
            target(MetricNames.ANOMALY_ACTIVE + "{" + SEL + "} == 1", ""));
        return layout.dashboard();
    }

    private ObjectNode kind(final String kind, final String title, final boolean payload)
    {
        final String sel = SEL + ",kind=\"" + kind + "\",metric=~\"$metric\"";
        final Layout layout = new Layout("hotpath-" + kind, "hotpath / " + title,
            title + " hot paths (kind=\"" + kind + "\"): rate, errors by type, latency percentiles, anomalies.");
        layout.variable("service", "label_values(" + MetricNames.CALLS_TOTAL + "{kind=\"" + kind + "\"}, service)", true);
        layout.variable("metric", "label_values(" + MetricNames.CALLS_TOTAL + "{kind=\"" + kind + "\",service=~\"$service\"}, metric)",
            true);
        layout.timeseries("Calls / s", "reqps",
            target("sum by (metric) (rate(" + MetricNames.CALLS_TOTAL + "{" + sel + "}" + RATE + "))", "{{metric}}"));
        layout.timeseries("Errors / s by type", "reqps",
            target("sum by (metric, error_type) (rate(" + MetricNames.CALLS_TOTAL + "{" + sel + ",outcome=\"error\"}" + RATE
                + "))", "{{metric}} {{error_type}}"));
        layout.timeseries("Latency percentiles (histogram, all hosts)", "s",
            target("histogram_quantile(0.5, sum by (metric, le) (rate(" + MetricNames.DURATION_SECONDS + "_bucket{" + sel + "}"
                + RATE + ")))", "p50 {{metric}}"),
            target("histogram_quantile(0.95, sum by (metric, le) (rate(" + MetricNames.DURATION_SECONDS + "_bucket{" + sel + "}"
                + RATE + ")))", "p95 {{metric}}"),
            target("histogram_quantile(0.99, sum by (metric, le) (rate(" + MetricNames.DURATION_SECONDS + "_bucket{" + sel + "}"
                + RATE + ")))", "p99 {{metric}}"));
        layout.timeseries("Latency, 1-second HdrHistogram quantiles (per host)", "s",
            target(MetricNames.DURATION_QUANTILE_SECONDS + "{" + sel + ",window=\"1s\",quantile=~\"0.5|0.99|0.999|1\"}",
                "{{instance}} {{metric}} q{{quantile}}"));
        // 1m from the precomputed quantiles (exact to 3 digits); 5m/15m/1h from the histogram, since hotpathd
        // exposes only the 1s and 1m quantile windows by default (metrics.quantile-windows).
        layout.timeseries("Latency, rolling windows p99 (per host)", "s",
            target(MetricNames.DURATION_QUANTILE_SECONDS + "{" + sel + ",quantile=\"0.99\",window=\"1m\"}",
                "{{instance}} {{metric}} 1m"),
            target("histogram_quantile(0.99, sum by (instance, metric, le) (rate(" + MetricNames.DURATION_SECONDS + "_bucket{" + sel
                + "}[5m])))", "{{instance}} {{metric}} 5m (histogram)"),
            target("histogram_quantile(0.99, sum by (instance, metric, le) (rate(" + MetricNames.DURATION_SECONDS + "_bucket{" + sel
                + "}[1h])))", "{{instance}} {{metric}} 1h (histogram)"));
        layout.timeseries("Mean latency", "s",
            target("sum by (metric) (rate(" + MetricNames.DURATION_SECONDS + "_sum{" + sel + "}" + RATE + ")) / sum by (metric) (rate("
                + MetricNames.DURATION_SECONDS + "_count{" + sel + "}" + RATE + "))", "{{metric}}"));
        if (payload)
        {
            layout.timeseries("Payload bytes / s", "Bps",
                target("sum by (metric) (rate(" + MetricNames.PAYLOAD_BYTES_TOTAL + "{" + sel + "}" + RATE + "))", "{{metric}}"));
        }
        layout.timeseries("Anomaly scores by signal and detector (σ)", "short",
            target("max by (metric, signal, detector) (" + MetricNames.ANOMALY_SCORE + "{" + sel + "})",
                "{{metric}} {{signal}} {{detector}}"));
        layout.timeseries("Anomaly events (last hour)", "short",
            target("sum by (metric, signal, severity) (increase(" + MetricNames.ANOMALIES_TOTAL + "{" + sel + "}[1h]))",
                "{{metric}} {{signal}} {{severity}}"));
        layout.timeseries("Late samples / s", "short",
            target("sum by (metric) (rate(" + MetricNames.LATE_SAMPLES_TOTAL + "{" + sel + "}" + RATE + "))", "{{metric}}"));
        return layout.dashboard();
    }

    private ObjectNode slo()
    {
        final String sel = "slo=~\"$slo\"";
        final Layout layout = new Layout("hotpath-slo", "hotpath / SLOs and error budgets",
            "SLI per window, error budget left, burn rates and burn-rate alerts, as hotpathd computes them; "
                + "the last row shows Prometheus' own view from the generated recording rules.");
        layout.variable("slo", "label_values(" + MetricNames.SLO_TARGET_RATIO + ", slo)", true);
        layout.stat("Error budget left", "percentunit", MetricNames.SLO_ERROR_BUDGET_REMAINING_RATIO + "{" + sel + "}");
        layout.stat("Target", "percentunit", MetricNames.SLO_TARGET_RATIO + "{" + sel + "}");
        layout.stat("SLI over the SLO window", "percentunit",
            MetricNames.SLO_SLI_RATIO + "{" + sel + ",window=~\"30d|28d|7d\"}");
        layout.stat("Burn-rate alerts firing", "short", "sum(" + MetricNames.SLO_ALERT_ACTIVE + "{" + sel + "}) or vector(0)");
        layout.timeseries("Error budget left", "percentunit",
            target(MetricNames.SLO_ERROR_BUDGET_REMAINING_RATIO + "{" + sel + "}", "{{slo}}"));
        layout.timeseries("Error budget consumed", "percentunit",
            target(MetricNames.SLO_ERROR_BUDGET_CONSUMED_RATIO + "{" + sel + "}", "{{slo}}"));
        layout.timeseries("Burn rate by window (1 = on budget)", "short",
            target(MetricNames.SLO_BURN_RATE + "{" + sel + "}", "{{slo}} {{window}}"));
        layout.timeseries("SLI by window", "percentunit",
            target(MetricNames.SLO_SLI_RATIO + "{" + sel + "}", "{{slo}} {{window}}"));
        layout.timeseries("Burn-rate alerts (daemon)", "short",
            target(MetricNames.SLO_ALERT_ACTIVE + "{" + sel + "}", "{{slo}} {{alert}} {{long_window}}/{{short_window}}"));
        layout.timeseries("Good and bad events / s", "short",
            target("sum by (slo, outcome) (rate(" + MetricNames.SLO_EVENTS_TOTAL + "{" + sel + "}" + RATE + "))",
                "{{slo}} {{outcome}}"));
        layout.timeseries("Error ratio 5m / 1h (Prometheus recording rules)", "percentunit",
            target(MetricNames.RECORDED_SLO_ERROR_RATIO_PREFIX + "5m{" + sel + "}", "{{slo}} 5m"),
            target(MetricNames.RECORDED_SLO_ERROR_RATIO_PREFIX + "1h{" + sel + "}", "{{slo}} 1h"));
        layout.timeseries("Error budget left (Prometheus recording rules)", "percentunit",
            target(MetricNames.RECORDED_SLO_BUDGET_REMAINING + "{" + sel + "}", "{{slo}}"),
            target(MetricNames.RECORDED_SLO_TARGET + "{" + sel + "}", "{{slo}} target"));
        return layout.dashboard();
    }

    private ObjectNode self()
    {
        final Layout layout = new Layout("hotpath-self", "hotpath / Self-monitoring",
            "hotpathd and the agents: records read and rejected, queue lag, series, agent rings and drops, JVM.");
        layout.variable("instance", "label_values(" + MetricNames.DAEMON_SERIES + ", instance)", true);
        final String inst = "{instance=~\"$instance\"}";
        layout.stat("Daemons up", "short", "sum(" + MetricNames.PROMETHEUS_UP + inst + ")");
        layout.stat("Series", "short", "sum(" + MetricNames.DAEMON_SERIES + inst + ")");
        layout.stat("Queues tailed", "short", "sum(" + MetricNames.DAEMON_QUEUES_TAILED + inst + ")");
        layout.stat("Samples dropped by agents (1h)", "short",
            "sum(increase(" + MetricNames.AGENT_SAMPLES_DROPPED_TOTAL + "[1h]))");
        layout.timeseries("Records read / s", "short",
            target("sum by (instance) (rate(" + MetricNames.DAEMON_RECORDS_READ_TOTAL + inst + RATE + "))", "{{instance}}"));
        layout.timeseries("Records rejected / s by reason", "short",
            target("sum by (instance, reason) (rate(" + MetricNames.DAEMON_RECORDS_REJECTED_TOTAL + inst + RATE + "))",
                "{{instance}} {{reason}}"));
        layout.timeseries("Queue lag", "s",
            target(MetricNames.DAEMON_QUEUE_LAG_SECONDS + inst, "{{instance}} {{queue}}"));
        layout.timeseries("Cycle files deleted unread (agent spool cap), per hour", "short",
            target("sum by (instance) (increase(" + MetricNames.DAEMON_QUEUE_GAPS_TOTAL + inst + "[1h]))", "{{instance}}"));
        layout.timeseries("Series and overflow", "short",
            target(MetricNames.DAEMON_SERIES + inst, "{{instance}} series"),
            target("sum by (instance) (increase(" + MetricNames.DAEMON_SERIES_OVERFLOW_TOTAL + inst + "[5m]))",
                "{{instance}} overflowed (5m)"));
        layout.timeseries("Rotation and scrape duration", "s",
            target(MetricNames.DAEMON_ROTATION_DURATION_SECONDS + inst, "{{instance}} rotation"),
            target(MetricNames.DAEMON_SCRAPE_DURATION_SECONDS + inst, "{{instance}} scrape"));
        layout.timeseries("HTTP connections and checkpoint failures", "short",
            target(MetricNames.DAEMON_HTTP_CONNECTIONS + inst, "{{instance}} open"),
            target(MetricNames.DAEMON_HTTP_CONNECTIONS_LIMIT + inst, "{{instance}} limit"),
            target("sum by (instance, reason) (increase(" + MetricNames.DAEMON_HTTP_CONNECTIONS_CLOSED_TOTAL + inst + "[5m]))",
                "{{instance}} closed {{reason}} (5m)"),
            target("sum by (instance) (increase(" + MetricNames.DAEMON_CHECKPOINT_FAILURES_TOTAL + inst + "[5m]))",
                "{{instance}} checkpoint failures (5m)"));
        layout.timeseries("Agent samples / s", "short",
            target("sum by (service) (rate(" + MetricNames.AGENT_SAMPLES_RECORDED_TOTAL + RATE + "))", "{{service}} recorded"),
            target("sum by (service) (rate(" + MetricNames.AGENT_SAMPLES_DRAINED_TOTAL + RATE + "))", "{{service}} drained"),
            target("sum by (service) (rate(" + MetricNames.AGENT_SAMPLES_DROPPED_TOTAL + RATE + "))", "{{service}} dropped"));
        layout.timeseries("Agent ring occupancy", "percentunit",
            target(MetricNames.AGENT_RING_OCCUPANCY_RATIO, "{{service}} pid {{pid}}"));
        layout.timeseries("Agent drain lag", "s",
            target(MetricNames.AGENT_DRAIN_LAG_SECONDS, "{{service}} pid {{pid}}"));
        layout.timeseries("Agent advice errors and label overflows / s", "short",
            target("sum by (service) (rate(" + MetricNames.AGENT_ADVICE_ERRORS_TOTAL + RATE + "))", "{{service}} advice errors"),
            target("sum by (service) (rate(" + MetricNames.AGENT_LABEL_OVERFLOWS_TOTAL + RATE + "))",
                "{{service}} label overflows"));
        layout.timeseries("hotpathd CPU", "percentunit",
            target("rate(process_cpu_seconds_total" + inst + RATE + ")", "{{instance}}"));
        layout.timeseries("hotpathd memory", "bytes",
            target("process_resident_memory_bytes" + inst, "{{instance}} RSS"),
            target("sum by (instance) (jvm_memory_bytes_used" + "{instance=~\"$instance\",area=\"heap\"})", "{{instance}} heap"));
        layout.timeseries("hotpathd GC time and threads", "short",
            target("sum by (instance) (rate(jvm_gc_collection_seconds_sum" + inst + RATE + "))", "{{instance}} GC s/s"),
            target("jvm_threads_current" + inst, "{{instance}} threads"),
            target("process_open_fds" + inst, "{{instance}} open fds"));
        return layout.dashboard();
    }

    private static ObjectNode target(final String expr, final String legend)
    {
        final ObjectNode target = JSON.createObjectNode();
        target.putObject("datasource").put("type", "prometheus").put("uid", DS);
        target.put("expr", expr);
        target.put("legendFormat", legend.isEmpty() ? "__auto" : legend);
        return target;
    }

    /** Places panels on Grafana's 24-column grid: stats four to a row, graphs two to a row. */
    private static final class Layout
    {
        private final ObjectNode dashboard = JSON.createObjectNode();
        private final ArrayNode panels;
        private final ArrayNode variables;
        private int nextId = 1;
        private int x;
        private int y;
        private int rowHeight;

        Layout(final String uid, final String title, final String description)
        {
            dashboard.put("uid", uid);
            dashboard.put("title", title);
            dashboard.put("description", description);
            dashboard.putArray("tags").add("hotpath");
            dashboard.put("timezone", "browser");
            dashboard.put("schemaVersion", 39);
            dashboard.put("version", 1);
            dashboard.put("editable", true);
            dashboard.put("refresh", "30s");
            dashboard.putObject("time").put("from", "now-6h").put("to", "now");
            panels = dashboard.putArray("panels");
            variables = dashboard.putObject("templating").putArray("list");
            final ObjectNode datasource = variables.addObject();
            datasource.put("name", "datasource");
            datasource.put("label", "Prometheus");
            datasource.put("type", "datasource");
            datasource.put("query", "prometheus");
            datasource.put("hide", 0);
            final ArrayNode links = dashboard.putArray("links");
            final ObjectNode link = links.addObject();
            link.put("title", "hotpath");
            link.put("type", "dashboards");
            link.putArray("tags").add("hotpath");
            link.put("asDropdown", true);
        }

        void variable(final String name, final String query, final boolean multi)
        {
            final ObjectNode variable = variables.addObject();
            variable.put("name", name);
            variable.put("type", "query");
            variable.putObject("datasource").put("type", "prometheus").put("uid", DS);
            variable.putObject("query").put("query", query).put("refId", "PrometheusVariableQueryEditor-VariableQuery");
            variable.put("definition", query);
            variable.put("refresh", 2);
            variable.put("includeAll", multi);
            variable.put("multi", multi);
            variable.put("allValue", ".*");
            variable.put("sort", 1);
            variable.putObject("current").put("text", "All").put("value", "$__all");
        }

        void stat(final String title, final String unit, final String expr)
        {
            final ObjectNode panel = panel("stat", title, unit, 6, 4);
            addTargets(panel, target(expr, ""));
            final ObjectNode options = panel.putObject("options");
            options.put("colorMode", "value");
            options.put("graphMode", "area");
            options.putObject("reduceOptions").putArray("calcs").add("lastNotNull");
        }

        void timeseries(final String title, final String unit, final ObjectNode... targets)
        {
            final ObjectNode panel = panel("timeseries", title, unit, 12, 8);
            addTargets(panel, targets);
            panel.putObject("options").putObject("tooltip").put("mode", "multi").put("sort", "desc");
        }

        void table(final String title, final ObjectNode... targets)
        {
            final ObjectNode panel = panel("table", title, "short", 24, 8);
            for (final ObjectNode target : targets)
            {
                target.put("instant", true);
                target.put("format", "table");
            }
            addTargets(panel, targets);
        }

        private ObjectNode panel(final String type, final String title, final String unit, final int width, final int height)
        {
            if (x + width > 24)
            {
                x = 0;
                y += rowHeight;
                rowHeight = 0;
            }
            final ObjectNode panel = panels.addObject();
            panel.put("id", nextId++);
            panel.put("type", type);
            panel.put("title", title);
            panel.putObject("datasource").put("type", "prometheus").put("uid", DS);
            panel.putObject("gridPos").put("h", height).put("w", width).put("x", x).put("y", y);
            panel.putObject("fieldConfig").putObject("defaults").put("unit", unit);
            x += width;
            rowHeight = Math.max(rowHeight, height);
            return panel;
        }

        private static void addTargets(final ObjectNode panel, final ObjectNode... targets)
        {
            final ArrayNode array = panel.putArray("targets");
            char refId = 'A';
            for (final ObjectNode target : targets)
            {
                target.put("refId", String.valueOf(refId++));
                array.add(target);
            }
        }

        ObjectNode dashboard()
        {
            return dashboard;
        }
    }
}
