package io.hotpath.daemon.slo;

import io.hotpath.daemon.config.syntax.YamlFiles;
import io.hotpath.wire.config.YamlNode;
import io.hotpath.daemon.config.syntax.ConfigException;
import io.hotpath.wire.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The SLO file: a list of objectives and the burn-rate alert settings they share.
 *
 * <pre>
 * burn_rate_alerts:            # optional, for every SLO; default: the SRE workbook's four
 *   - {severity: page,   long_window: 1h, short_window: 5m,  factor: 14.4}
 *   - {severity: page,   long_window: 6h, short_window: 30m, factor: 6}
 *   - {severity: ticket, long_window: 1d, short_window: 2h,  factor: 3}
 *   - {severity: ticket, long_window: 3d, short_window: 6h,  factor: 1}
 * slos:
 *   - name: transport-send-latency
 *     description: p95 of transport sends under 100 ms in 99 % of minutes
 *     sli:
 *       latency:                 # or success: {metric: ..., labels: {...}}
 *         metric: transport_send
 *         labels: {service: demo}
 *         threshold: 100ms
 *         percentile: 0.95       # optional: per-minute slices instead of per-call
 *     target: 0.99               # or "99%"
 *     window: 30d
 *     tier: critical
 *     labels: {team: transport}
 *     runbook: https://runbooks.example.com/transport-send-latency
 *     burn_rate_alerts: [...]    # optional, replaces the shared ones for this SLO
 * </pre>
 *
 * Every mistake is reported with the file, line and field: unknown fields, missing fields, values
 * out of range, duplicate names, an alert that could never fire.
 */
public record SloFile(String source, List<SloDefinition> slos)
{
    /** Label names the SLO families use themselves; an SLO's own labels may not take them. */
    public static final Set<String> RESERVED_LABELS =
        Set.of("slo", "tier", "window", "outcome", "alert", "long_window", "short_window", "severity", "le",
            "job", "instance");

    private static final String NAME = "[a-zA-Z0-9][a-zA-Z0-9_.-]{0,99}";
    private static final String METRIC = "[a-zA-Z_][a-zA-Z0-9_.:-]*";

    public SloFile
    {
        slos = List.copyOf(slos);
    }

    public static SloFile load(final Path file) throws ConfigException
    {
        return fromYaml(YamlFiles.load(file));
    }

    public static SloFile parse(final String yaml, final String source) throws ConfigException
    {
        return fromYaml(YamlFiles.parse(yaml, source));
    }

    public static SloFile fromYaml(final YamlNode<ConfigException> root) throws ConfigException
    {
        root.allowOnly("slos", "burn_rate_alerts");
        final YamlNode<ConfigException> sharedNode = root.get("burn_rate_alerts");
        final List<BurnRateAlert> shared = sharedNode == null ? BurnRateAlert.WORKBOOK : readAlerts(sharedNode);
        final YamlNode<ConfigException> slosNode = root.require("slos", "a list of SLOs");
        final List<YamlNode<ConfigException>> elements = slosNode.elements();
        if (elements.isEmpty())
        {
            throw slosNode.error("expected at least one SLO");
        }
        final List<SloDefinition> slos = new ArrayList<>();
        final Map<String, Integer> lines = new HashMap<>();
        for (final YamlNode<ConfigException> element : elements)
        {
            final SloDefinition slo = readSlo(element, shared);
            final Integer previous = lines.putIfAbsent(slo.name(), element.line());
            if (previous != null)
            {
                throw element.require("name", "").error("duplicate SLO name \"" + slo.name()
                    + "\", first defined on line " + previous);
            }
            slos.add(slo);
        }
        return new SloFile(root.source(), slos);
    }

    private static SloDefinition readSlo(final YamlNode<ConfigException> node, final List<BurnRateAlert> shared) throws ConfigException
    {
        node.allowOnly("name", "description", "sli", "target", "window", "tier", "labels", "runbook", "burn_rate_alerts");
        final String name = node.require("name", "a name such as transport-send-latency")
            .asString(NAME, "a name of letters, digits, '_', '.', '-' (at most 100, starting with a letter or digit)");
        final YamlNode<ConfigException> descriptionNode = node.get("description");
        final String description = descriptionNode == null ? "" : descriptionNode.asString();
        final SliSpec sli = readSli(node.require("sli", "latency: {...} or success: {...}"));
        final YamlNode<ConfigException> targetNode = node.require("target", "a ratio such as 0.99 or \"99%\"");
        final double target = targetNode.asOpenRatio();
        final Duration window = node.require("window", "a duration such as 30d")
            .asDuration(Duration.ofHours(1), Duration.ofDays(400));
        final YamlNode<ConfigException> tierNode = node.get("tier");
        final String tier = tierNode == null ? "" : tierNode.asString("[a-zA-Z0-9_.-]{1,64}", "a tier such as critical");
        final YamlNode<ConfigException> labelsNode = node.get("labels");
        final Map<String, String> labels = labelsNode == null ? Map.of() : labelsNode.asLabels();
        if (labelsNode != null)
        {
            for (final String label : labels.keySet())
            {
                if (RESERVED_LABELS.contains(label))
                {
                    throw labelsNode.entries().get(label).error(
                        "the label name \"" + label + "\" is used by hotpath itself; reserved: " + sorted(RESERVED_LABELS));
                }
            }
        }
        final YamlNode<ConfigException> runbookNode = node.get("runbook");
        final String runbook = runbookNode == null ? "" : runbookNode.asString();
        final YamlNode<ConfigException> alertsNode = node.get("burn_rate_alerts");
        final List<BurnRateAlert> alerts = alertsNode == null ? shared : readAlerts(alertsNode);
        for (final BurnRateAlert alert : alerts)
        {
            if (alert.errorRatioThreshold(target) >= 1)
            {
                throw targetNode.error(String.format(Locale.ROOT,
                    "with target %s the %s alert over %s/%s (factor %s) needs an error ratio of %.3g, above 1: it can "
                        + "never fire; lower its factor or raise the target",
                    targetNode.asString(), alert.severity(), Durations.format(alert.longWindow()),
                    Durations.format(alert.shortWindow()), alert.factor(), alert.errorRatioThreshold(target)));
            }
        }
        return new SloDefinition(name, description, sli, target, window, tier, labels, runbook, alerts);
    }

    private static SliSpec readSli(final YamlNode<ConfigException> node) throws ConfigException
    {
        node.allowOnly("latency", "success");
        final YamlNode<ConfigException> latency = node.get("latency");
        final YamlNode<ConfigException> success = node.get("success");
        if ((latency == null) == (success == null))
        {
            throw node.error("expected exactly one of latency: {...} or success: {...}");
        }
        if (success != null)
        {
            success.allowOnly("metric", "labels");
            return SliSpec.success(readMetric(success), readSelectorLabels(success));
        }
        latency.allowOnly("metric", "labels", "threshold", "percentile");
        final long threshold = latency.require("threshold", "a duration such as 100ms")
            .asDuration(Duration.ofNanos(1), Duration.ofHours(1)).toNanos();
        final YamlNode<ConfigException> percentileNode = latency.get("percentile");
        if (percentileNode == null)
        {
            return SliSpec.latency(readMetric(latency), readSelectorLabels(latency), threshold);
        }
        return SliSpec.latencySlices(readMetric(latency), readSelectorLabels(latency), threshold,
            percentileNode.asOpenRatio());
    }

    private static String readMetric(final YamlNode<ConfigException> node) throws ConfigException
    {
        return node.require("metric", "the metric name of the series, e.g. transport_send")
            .asString(METRIC, "a metric name such as transport_send");
    }

    private static Map<String, String> readSelectorLabels(final YamlNode<ConfigException> node) throws ConfigException
    {
        final YamlNode<ConfigException> labels = node.get("labels");
        if (labels == null)
        {
            return Map.of();
        }
        final Map<String, String> selector = labels.asLabels();
        if (selector.containsKey("metric"))
        {
            throw labels.entries().get("metric").error("the metric is given by sli.*.metric, not as a label");
        }
        return selector;
    }

    private static List<BurnRateAlert> readAlerts(final YamlNode<ConfigException> node) throws ConfigException
    {
        final List<BurnRateAlert> alerts = new ArrayList<>();
        for (final YamlNode<ConfigException> element : node.elements())
        {
            element.allowOnly("severity", "long_window", "short_window", "factor");
            final String severity = element.require("severity", "page or ticket").asString("page|ticket", "page or ticket");
            final Duration longWindow = element.require("long_window", "a duration such as 1h")
                .asDuration(Duration.ofMinutes(1), Duration.ofDays(90));
            final Duration shortWindow = element.require("short_window", "a duration such as 5m")
                .asDuration(Duration.ofMinutes(1), Duration.ofDays(90));
            if (longWindow.toMillis() % 60_000 != 0 || shortWindow.toMillis() % 60_000 != 0)
            {
                throw element.error("alert windows are whole minutes (the counters are per minute)");
            }
            final double factor = element.require("factor", "a burn rate such as 14.4").asDouble(1e-6, 1e6);
            try
            {
                alerts.add(new BurnRateAlert(severity, longWindow, shortWindow, factor));
            }
            catch (final IllegalArgumentException e)
            {
                throw element.error(e.getMessage());
            }
        }
        if (alerts.isEmpty())
        {
            throw node.error("expected at least one alert (remove the field for the workbook's defaults)");
        }
        return alerts;
    }

    private static String sorted(final Set<String> names)
    {
        return String.join(", ", new TreeSet<>(names));
    }

    /** The SLO named {@code name}, or null. */
    public SloDefinition slo(final String name)
    {
        for (final SloDefinition slo : slos)
        {
            if (slo.name().equals(name))
            {
                return slo;
            }
        }
        return null;
    }
}
