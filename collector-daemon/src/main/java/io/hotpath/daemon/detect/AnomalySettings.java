package io.hotpath.daemon.detect;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.hotpath.daemon.config.syntax.ConfigException;
import io.hotpath.daemon.config.syntax.YamlFiles;
import io.hotpath.wire.config.YamlNode;

/**
 * What the {@link AnomalyEngine} watches and how: built-in defaults, overridden per detector, per
 * signal and per metric. A YAML file (or section) looks like
 *
 * <pre>
 * max_series: 5000          # series watched at once; more are ignored and counted
 * recent_events: 256        # closed events kept for /api/anomalies
 * idle_eviction: 10m        # forget a series not reported for this long
 * detectors:                # every signal
 *   zscore: {enter: 3, exit: 2, critical: 10, min_duration: 2s, hold: 10s, cooldown: 60s, warmup: 30, alpha: 0.05}
 * signals:                  # every series
 *   latency_p99: {detectors: [mad, levelshift], direction: up, min_calls: 20, min_deviation: 0.001}
 * metrics:                  # one metric (the series' metric label)
 *   transport_send:
 *     latency_p99: {detectors: [zscore], zscore: {enter: 4}}
 *     throughput: {detectors: []}
 * </pre>
 *
 * Each level starts from the one above and overrides only the fields it names; unknown fields and
 * out-of-range values are errors naming the file, line and field.
 */
public final class AnomalySettings
{
    private static final String[] DETECTOR_FIELDS = {
        "enter", "exit", "critical", "min_duration", "hold", "cooldown", "warmup", "alpha", "window", "test_window",
        "relearn_after"};
    private static final String[] SIGNAL_FIELDS = {
        "detectors", "direction", "min_calls", "min_count", "min_deviation", "relative_min_deviation", "adaptive", "zscore", "mad",
        "levelshift"};

    private final int maxSeries;
    private final int recentEvents;
    private final Duration idleEviction;
    private final Map<Signal, SignalSettings> defaults;
    private final Map<String, Map<Signal, SignalSettings>> perMetric;

    public AnomalySettings(
        final int maxSeries,
        final int recentEvents,
        final Duration idleEviction,
        final Map<Signal, SignalSettings> defaults,
        final Map<String, Map<Signal, SignalSettings>> perMetric)
    {
        if (maxSeries < 1 || recentEvents < 1 || idleEviction.isNegative() || idleEviction.isZero())
        {
            throw new IllegalArgumentException("max_series, recent_events and idle_eviction must be > 0");
        }
        for (final Signal signal : Signal.values())
        {
            if (!defaults.containsKey(signal))
            {
                throw new IllegalArgumentException("settings missing for signal " + signal.label());
            }
        }
        this.maxSeries = maxSeries;
        this.recentEvents = recentEvents;
        this.idleEviction = idleEviction;
        this.defaults = Collections.unmodifiableMap(new EnumMap<>(defaults));
        this.perMetric = Map.copyOf(perMetric);
    }

    /** Built-in defaults: see {@link SignalSettings#defaults} and {@link DetectorSettings#defaults}. */
    public static AnomalySettings defaults()
    {
        final Map<Signal, SignalSettings> signals = new EnumMap<>(Signal.class);
        for (final Signal signal : Signal.values())
        {
            signals.put(signal, SignalSettings.defaults(signal));
        }
        return new AnomalySettings(5000, 256, Duration.ofMinutes(10), signals, Map.of());
    }

    public static AnomalySettings load(final Path file) throws ConfigException
    {
        return fromYaml(YamlFiles.load(file));
    }

    /** Reads settings from a YAML mapping (a file's root, or a section of a larger configuration). */
    public static AnomalySettings fromYaml(final YamlNode<ConfigException> root) throws ConfigException
    {
        root.allowOnly("max_series", "recent_events", "idle_eviction", "detectors", "signals", "metrics");
        final AnomalySettings builtIn = defaults();
        final YamlNode<ConfigException> maxSeriesNode = root.get("max_series");
        final int maxSeries = maxSeriesNode == null ? builtIn.maxSeries : maxSeriesNode.asInt(1, 1_000_000);
        final YamlNode<ConfigException> recentNode = root.get("recent_events");
        final int recentEvents = recentNode == null ? builtIn.recentEvents : recentNode.asInt(1, 100_000);
        final YamlNode<ConfigException> evictionNode = root.get("idle_eviction");
        final Duration idleEviction = evictionNode == null
            ? builtIn.idleEviction
            : evictionNode.asDuration(Duration.ofSeconds(10), Duration.ofDays(7));

        final Map<DetectorKind, DetectorSettings> detectorDefaults = new EnumMap<>(DetectorKind.class);
        for (final DetectorKind kind : DetectorKind.values())
        {
            detectorDefaults.put(kind, DetectorSettings.defaults(kind));
        }
        final YamlNode<ConfigException> detectorsNode = root.get("detectors");
        if (detectorsNode != null)
        {
            detectorsNode.allowOnly("adaptive", "zscore", "mad", "levelshift");
            for (final DetectorKind kind : DetectorKind.values())
            {
                final YamlNode<ConfigException> node = detectorsNode.get(kind.label());
                if (node != null)
                {
                    detectorDefaults.put(kind, readDetector(node, detectorDefaults.get(kind)));
                }
            }
        }

        final Map<Signal, SignalSettings> signals = new EnumMap<>(Signal.class);
        for (final Signal signal : Signal.values())
        {
            final SignalSettings builtInSignal = SignalSettings.defaults(signal);
            // The fields a file sets for every signal ("detectors:") apply on top of each signal's built-in
            // settings of that detector (latency keeps its 2-interval confirmation when only warmup is set).
            final Map<DetectorKind, DetectorSettings> merged = new EnumMap<>(builtInSignal.detectorSettings());
            for (final DetectorKind kind : DetectorKind.values())
            {
                final YamlNode<ConfigException> named = detectorsNode == null ? null : detectorsNode.get(kind.label());
                if (named != null)
                {
                    merged.put(kind, readDetector(named, builtInSignal.settings(kind)));
                }
            }
            signals.put(signal, new SignalSettings(builtInSignal.detectors(), builtInSignal.direction(),
                builtInSignal.minCount(), builtInSignal.minDeviation(), builtInSignal.relativeMinDeviation(), merged));
        }
        final YamlNode<ConfigException> signalsNode = root.get("signals");
        if (signalsNode != null)
        {
            readSignals(signalsNode, signals);
        }

        final Map<String, Map<Signal, SignalSettings>> perMetric = new HashMap<>();
        final YamlNode<ConfigException> metricsNode = root.get("metrics");
        if (metricsNode != null)
        {
            for (final Map.Entry<String, YamlNode<ConfigException>> entry : metricsNode.entries().entrySet())
            {
                if (!entry.getKey().matches("[a-zA-Z_][a-zA-Z0-9_.:-]*"))
                {
                    throw entry.getValue().error("expected a metric name such as transport_send");
                }
                final Map<Signal, SignalSettings> metricSignals = new EnumMap<>(signals);
                readSignals(entry.getValue(), metricSignals);
                perMetric.put(entry.getKey(), metricSignals);
            }
        }
        return new AnomalySettings(maxSeries, recentEvents, idleEviction, signals, perMetric);
    }

    private static void readSignals(final YamlNode<ConfigException> node, final Map<Signal, SignalSettings> signals)
        throws ConfigException
    {
        node.allowOnlyNames("latency_p99", "error_ratio", "throughput");
        for (final Signal signal : Signal.values())
        {
            final YamlNode<ConfigException> signalNode = node.getName(signal.label());
            if (signalNode != null)
            {
                signals.put(signal, readSignal(signalNode, signals.get(signal)));
            }
        }
    }

    private static SignalSettings readSignal(final YamlNode<ConfigException> node, final SignalSettings base) throws ConfigException
    {
        node.allowOnly(SIGNAL_FIELDS);
        List<DetectorKind> detectors = base.detectors();
        final YamlNode<ConfigException> detectorsNode = node.get("detectors");
        if (detectorsNode != null)
        {
            detectors = new ArrayList<>();
            for (final YamlNode<ConfigException> element : detectorsNode.elements())
            {
                try
                {
                    final DetectorKind kind = DetectorKind.fromLabel(element.asString());
                    if (detectors.contains(kind))
                    {
                        throw element.error("detector listed twice");
                    }
                    detectors.add(kind);
                }
                catch (final IllegalArgumentException e)
                {
                    throw element.error(e.getMessage());
                }
            }
        }
        else if (node.entries().containsKey("detectors"))
        {
            detectors = List.of();
        }
        Direction direction = base.direction();
        final YamlNode<ConfigException> directionNode = node.get("direction");
        if (directionNode != null)
        {
            try
            {
                direction = Direction.fromLabel(directionNode.asString());
            }
            catch (final IllegalArgumentException e)
            {
                throw directionNode.error(e.getMessage());
            }
        }
        // min_calls is the documented name; min_count (its first name) is still read.
        final YamlNode<ConfigException> minCallsNode = node.get("min_calls");
        final YamlNode<ConfigException> legacyMinCountNode = node.get("min_count");
        if (minCallsNode != null && legacyMinCountNode != null)
        {
            throw legacyMinCountNode.error("min_count is the old name of min_calls: give only min_calls");
        }
        final YamlNode<ConfigException> minCountNode = minCallsNode != null ? minCallsNode : legacyMinCountNode;
        final long minCount = minCountNode == null ? base.minCount() : minCountNode.asInt(0, Integer.MAX_VALUE);
        final YamlNode<ConfigException> minDeviationNode = node.get("min_deviation");
        final double minDeviation = minDeviationNode == null
            ? base.minDeviation() : minDeviationNode.asDouble(0, Double.MAX_VALUE);
        final YamlNode<ConfigException> relativeNode = node.get("relative_min_deviation");
        final double relative = relativeNode == null ? base.relativeMinDeviation() : relativeNode.asDouble(0, 10);

        final Map<DetectorKind, DetectorSettings> detectorSettings = new EnumMap<>(base.detectorSettings());
        for (final DetectorKind kind : DetectorKind.values())
        {
            final YamlNode<ConfigException> detectorNode = node.get(kind.label());
            if (detectorNode != null)
            {
                detectorSettings.put(kind, readDetector(detectorNode, base.settings(kind)));
            }
        }
        return new SignalSettings(detectors, direction, minCount, minDeviation, relative, detectorSettings);
    }

    private static DetectorSettings readDetector(final YamlNode<ConfigException> node, final DetectorSettings base)
        throws ConfigException
    {
        node.allowOnly(DETECTOR_FIELDS);
        final double enter = doubleOr(node, "enter", base.enter());
        final double exit = doubleOr(node, "exit", base.exit());
        final double critical = doubleOr(node, "critical", base.critical());
        final Duration minDuration = durationOr(node, "min_duration", base.minDuration());
        final Duration hold = durationOr(node, "hold", base.hold());
        final Duration cooldown = durationOr(node, "cooldown", base.cooldown());
        final int warmup = intOr(node, "warmup", base.warmup());
        final double alpha = doubleOr(node, "alpha", base.alpha());
        final int window = intOr(node, "window", base.window());
        final int testWindow = intOr(node, "test_window", base.testWindow());
        final int relearnAfter = intOr(node, "relearn_after", base.relearnAfter());
        try
        {
            return new DetectorSettings(base.kind(), enter, exit, critical, minDuration, hold, cooldown, warmup, alpha,
                window, testWindow, relearnAfter);
        }
        catch (final IllegalArgumentException e)
        {
            throw node.error(e.getMessage());
        }
    }

    private static double doubleOr(final YamlNode<ConfigException> node, final String key, final double fallback)
        throws ConfigException
    {
        final YamlNode<ConfigException> child = node.get(key);
        return child == null ? fallback : child.asDouble(0, 1_000_000);
    }

    private static int intOr(final YamlNode<ConfigException> node, final String key, final int fallback) throws ConfigException
    {
        final YamlNode<ConfigException> child = node.get(key);
        return child == null ? fallback : child.asInt(0, 100_000);
    }

    private static Duration durationOr(final YamlNode<ConfigException> node, final String key, final Duration fallback)
        throws ConfigException
    {
        final YamlNode<ConfigException> child = node.get(key);
        return child == null ? fallback : child.asDuration(Duration.ZERO, Duration.ofDays(1));
    }

    /** Effective settings of each signal for series of {@code metric}. */
    public Map<Signal, SignalSettings> forMetric(final String metric)
    {
        final Map<Signal, SignalSettings> specific = metric == null ? null : perMetric.get(metric);
        return specific == null ? defaults : specific;
    }

    public int maxSeries()
    {
        return maxSeries;
    }

    public int recentEvents()
    {
        return recentEvents;
    }

    public Duration idleEviction()
    {
        return idleEviction;
    }
}
