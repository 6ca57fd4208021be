package io.hotpath.daemon.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Grafana JSON model (schema 39) of one dashboard: its skeleton (datasource variable, link to
 * the other hotpath dashboards), template variables, and panels placed on Grafana's 24-column grid
 * (stats four to a row, graphs two to a row). {@link DashboardGenerator} decides what they show.
 */
final class DashboardLayout
{
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every panel, target and variable queries the dashboard's {@code datasource} variable. */
    private static final String DS = "${datasource}";

    private final ObjectNode dashboard = JSON.createObjectNode();
    private final ArrayNode panels;
    private final ArrayNode variables;
    private int nextId = 1;
    private int x;
    private int y;
    private int rowHeight;

    DashboardLayout(final String uid, final String title, final String description)
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

    /** A Prometheus query of a panel; latency quantiles over buckets show their trace exemplars. */
    static ObjectNode target(final String expr, final String legend)
    {
        final ObjectNode target = JSON.createObjectNode();
        target.putObject("datasource").put("type", "prometheus").put("uid", DS);
        target.put("expr", expr);
        target.put("legendFormat", legend.isEmpty() ? "__auto" : legend);
        if (expr.contains("histogram_quantile(") && expr.contains("_bucket"))
        {
            // The buckets carry trace exemplars (OpenMetrics, exemplar storage on): Grafana shows them on the latency graph.
            target.put("exemplar", true);
        }
        return target;
    }
}
