package io.hotpath.daemon.rules;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;

/**
 * One rule of a Prometheus rule file: a recording rule ({@code record}) or an alerting rule
 * ({@code alert}, with {@code for} and annotations).
 */
public record PrometheusRule(
    String record,
    String alert,
    String expr,
    String forDuration,
    Map<String, String> labels,
    Map<String, String> annotations)
{
    public static PrometheusRule recording(final String record, final String expr, final Map<String, String> labels)
    {
        return new PrometheusRule(record, null, expr, null, labels, Map.of());
    }

    public static PrometheusRule alerting(
        final String alert, final String expr, final String forDuration, final Map<String, String> labels,
        final Map<String, String> annotations)
    {
        return new PrometheusRule(null, alert, expr, forDuration, labels, annotations);
    }

    public boolean isAlert()
    {
        return alert != null;
    }

    /** The rule as the YAML mapping Prometheus reads, keys in the conventional order. */
    public Map<String, Object> toYamlMap()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        if (isAlert())
        {
            map.put("alert", alert);
        }
        else
        {
            map.put("record", record);
        }
        map.put("expr", expr);
        if (forDuration != null)
        {
            map.put("for", forDuration);
        }
        if (!labels.isEmpty())
        {
            map.put("labels", new LinkedHashMap<>(labels));
        }
        if (!annotations.isEmpty())
        {
            map.put("annotations", new LinkedHashMap<>(annotations));
        }
        return map;
    }

    /** A group of rules evaluated together, in order. */
    public record Group(String name, List<PrometheusRule> rules)
    {
    }
}
