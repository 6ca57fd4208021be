package io.hotpath.daemon.expose;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.detect.AnomalyEngine;
import io.hotpath.daemon.detect.AnomalyMonitor;
import io.hotpath.daemon.detect.Severity;
import io.hotpath.daemon.detect.StallWatch;
import io.hotpath.daemon.rules.MetricNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The anomaly families of METRICS.md ({@code hotpath_anomaly_score}, {@code hotpath_anomalies_total},
 * {@code hotpath_anomaly_active}) from the {@link AnomalyEngine}'s monitors, rendered on the
 * aggregation thread at each rotation like every other family.
 *
 * <h2>What is exposed</h2>
 * With the default detectors a series has six monitors (3 signals × 2 detectors), so exposing every
 * score and activity flag costs 12 samples per series per scrape — 120 000 lines for 10 000 series,
 * for values that are 0 or unremarkable almost always. By default ({@code anomaly.expose-scores:
 * active}) only monitors with an open event carry {@code hotpath_anomaly_score} and
 * {@code hotpath_anomaly_active} (value 1); an alert on {@code hotpath_anomaly_active == 1} or a
 * dashboard of open anomalies reads the same either way, and the series goes stale when the event
 * closes. {@code hotpath_anomalies_total} appears with a monitor's first event and stays.
 * {@code expose-scores: all} writes every monitor (as the analysis engine's own writer does), and
 * {@code GET /api/anomalies?scores=all} always lists every score.
 *
 * <h2>Cost</h2>
 * Each monitor's label set (series labels + {@code signal} + {@code detector}) is rendered to bytes
 * once, when the monitor is first written, and kept on the monitor; a sample is then a byte copy and
 * a number.
 */
public final class AnomalyMetricFamilies implements MetricFamilySource
{
    static final String SCORE_HELP = "Anomaly score of the last 1s interval in standard deviations from the detector's "
        + "baseline (NaN while warming up or without data).";
    static final String EVENTS_HELP = "Anomaly events opened, by the severity known when they opened.";
    static final String ACTIVE_HELP = "1 while an anomaly event is open.";
    static final String INCIDENTS_HELP = "Anomaly incidents opened: events of any series and signal that start together.";
    static final String INCIDENTS_ACTIVE_HELP = "Anomaly incidents open now.";
    static final String STALLS_HELP = "Stalls of a service's JVM or host (every kind of call moved at once for seconds): "
        + "attributed, not raised as anomalies.";
    /** Scores are written to this many decimals: plenty for a threshold in standard deviations, and cheap to format. */
    private static final double SCORE_SCALE = 1000.0;

    private final AnomalyEngine engine;
    private final boolean all;
    private final List<AnomalyMonitor> withEvents = new ArrayList<>();
    private final List<AnomalyMonitor> shown = new ArrayList<>();

    public AnomalyMetricFamilies(final AnomalyEngine engine, final boolean exposeAllScores)
    {
        this.engine = engine;
        this.all = exposeAllScores;
    }

    @Override
    public void writeTo(final MetricWriter writer, final AggregateSnapshot snapshot)
    {
        shown.clear();
        withEvents.clear();
        engine.forEachMonitor(this::collect);

        writer.family(MetricNames.ANOMALY_SCORE, MetricType.GAUGE, SCORE_HELP);
        for (int i = 0, n = shown.size(); i < n; i++)
        {
            final AnomalyMonitor monitor = shown.get(i);
            final double score = monitor.score();
            writer.sample("", labels(monitor), null, null, null, null,
                Double.isFinite(score) ? Math.rint(score * SCORE_SCALE) / SCORE_SCALE : score);
        }
        // Counter: the family name without _total (OpenMetrics), the samples with it.
        writer.family(counterFamily(MetricNames.ANOMALIES_TOTAL), MetricType.COUNTER, EVENTS_HELP);
        for (int i = 0, n = withEvents.size(); i < n; i++)
        {
            final AnomalyMonitor monitor = withEvents.get(i);
            final Labels labels = labels(monitor);
            writer.sample("_total", labels, "severity", Severity.WARNING.label(), null, null, monitor.events(Severity.WARNING));
            writer.sample("_total", labels, "severity", Severity.CRITICAL.label(), null, null, monitor.events(Severity.CRITICAL));
        }
        writer.family(MetricNames.ANOMALY_ACTIVE, MetricType.GAUGE, ACTIVE_HELP);
        for (int i = 0, n = shown.size(); i < n; i++)
        {
            final AnomalyMonitor monitor = shown.get(i);
            writer.sample("", labels(monitor), null, null, null, null, monitor.active() ? 1L : 0L);
        }
        writer.family(counterFamily(MetricNames.ANOMALY_INCIDENTS_TOTAL), MetricType.COUNTER, INCIDENTS_HELP);
        writer.sample("_total", Labels.of(), null, null, null, null, engine.incidents().opened());
        writer.family(MetricNames.ANOMALY_INCIDENTS_ACTIVE, MetricType.GAUGE, INCIDENTS_ACTIVE_HELP);
        writer.sample("", Labels.of(), null, null, null, null, engine.incidents().active().size());
        writer.family(counterFamily(MetricNames.ANOMALY_STALLS_TOTAL), MetricType.COUNTER, STALLS_HELP);
        for (final StallWatch watch : engine.stallWatches())
        {
            final StallWatch.Count count = watch.count();
            writer.sample("_total", Labels.of("service", count.service()), null, null, null, null,
                engine.stallsSaved() ? watch.stallsSaved() : count.stalls());
        }
        shown.clear();
        withEvents.clear();
    }

    private void collect(final AnomalyMonitor monitor, final Map<String, String> seriesLabels)
    {
        if (monitor.exposition() == null)
        {
            final String[] pairs = new String[seriesLabels.size() * 2 + 4];
            int i = 0;
            for (final Map.Entry<String, String> label : seriesLabels.entrySet())
            {
                pairs[i++] = label.getKey();
                pairs[i++] = label.getValue();
            }
            pairs[i++] = "signal";
            pairs[i++] = monitor.signal().label();
            pairs[i++] = "detector";
            pairs[i] = monitor.detectorKind().label();
            monitor.attachExposition(Labels.of(pairs));
        }
        if (all || monitor.active())
        {
            shown.add(monitor);
        }
        if (monitor.events(Severity.WARNING) + monitor.events(Severity.CRITICAL) > 0)
        {
            withEvents.add(monitor);
        }
    }

    private static Labels labels(final AnomalyMonitor monitor)
    {
        return (Labels)monitor.exposition();
    }

    static String counterFamily(final String sampleName)
    {
        return sampleName.endsWith("_total") ? sampleName.substring(0, sampleName.length() - "_total".length()) : sampleName;
    }
}
