package io.hotpath.daemon.slo;

import io.hotpath.wire.config.Durations;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code GET /api/slos} document from published {@link SloStatus}es: definition, error budget,
 * events, every window and every burn-rate alert of each SLO. Non-finite numbers (no events yet)
 * are written as {@code null}.
 */
final class SloJson
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private SloJson()
    {
    }

    /** The {@code /api/slos} document of {@code statuses}, UTF-8 JSON. */
    static byte[] document(final List<SloStatus> statuses)
    {
        final ObjectNode root = JSON.createObjectNode();
        root.put("enabled", true);
        root.put("generated_at", Instant.now().toString());
        final ArrayNode slos = root.putArray("slos");
        for (final SloStatus status : statuses)
        {
            toJson(status, slos.addObject());
        }
        try
        {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        }
        catch (final JsonProcessingException e)
        {
            throw new IllegalStateException("cannot happen for a tree of plain values", e);
        }
    }

    private static void toJson(final SloStatus status, final ObjectNode node)
    {
        final SloDefinition slo = status.slo();
        node.put("name", slo.name());
        node.put("description", slo.description());
        node.put("tier", slo.tier());
        final ObjectNode labels = node.putObject("labels");
        slo.labels().forEach(labels::put);
        node.put("target", slo.target());
        node.put("window", Durations.format(slo.window()));
        final ObjectNode sli = node.putObject("sli");
        final SliSpec spec = slo.sli();
        sli.put("type", spec.type().label());
        sli.put("metric", spec.metric());
        final ObjectNode selector = sli.putObject("labels");
        spec.labels().forEach(selector::put);
        if (spec.type() == SliSpec.Type.LATENCY)
        {
            sli.put("threshold_seconds", spec.thresholdSeconds());
        }
        if (spec.timeSliced())
        {
            sli.put("percentile", spec.percentile());
            sli.put("events", "minutes");
        }
        else
        {
            sli.put("events", "calls");
        }
        node.put("computed_at", Instant.ofEpochMilli(status.computedAtMillis()).toString());
        if (status.dataSinceMillis() == Long.MIN_VALUE)
        {
            node.putNull("data_since");
        }
        else
        {
            node.put("data_since", Instant.ofEpochMilli(status.dataSinceMillis()).toString());
        }
        node.put("series_matched", status.seriesMatched());
        final ObjectNode budget = node.putObject("error_budget");
        putNumber(budget, "remaining_ratio", status.budgetRemaining());
        putNumber(budget, "consumed_ratio", status.budgetConsumed());
        final ObjectNode events = node.putObject("events");
        events.put("good", status.goodEvents());
        events.put("bad", status.badEvents());
        final ArrayNode windows = node.putArray("windows");
        for (final SloStatus.WindowStatus window : status.windows())
        {
            final ObjectNode w = windows.addObject();
            w.put("window", Durations.format(window.window()));
            w.put("good", window.good());
            w.put("total", window.total());
            putNumber(w, "sli_ratio", window.sliRatio());
            putNumber(w, "error_ratio", window.errorRatio());
            putNumber(w, "burn_rate", window.burnRate());
        }
        final ArrayNode alerts = node.putArray("alerts");
        for (final SloStatus.AlertStatus alert : status.alerts())
        {
            final ObjectNode a = alerts.addObject();
            a.put("alert", alert.alert().severity());
            a.put("long_window", Durations.format(alert.alert().longWindow()));
            a.put("short_window", Durations.format(alert.alert().shortWindow()));
            a.put("factor", alert.alert().factor());
            putNumber(a, "long_burn_rate", alert.longBurnRate());
            putNumber(a, "short_burn_rate", alert.shortBurnRate());
            a.put("active", alert.active());
        }
    }

    private static void putNumber(final ObjectNode node, final String field, final double value)
    {
        if (Double.isFinite(value))
        {
            node.put(field, value);
        }
        else
        {
            node.putNull(field);
        }
    }
}
