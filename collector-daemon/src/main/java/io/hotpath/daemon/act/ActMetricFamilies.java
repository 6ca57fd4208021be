package io.hotpath.daemon.act;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.expose.Labels;
import io.hotpath.daemon.expose.MetricFamilySource;
import io.hotpath.daemon.expose.MetricType;
import io.hotpath.daemon.expose.MetricWriter;
import java.util.Map;

/**
 * {@code hotpath_incidents_open}, {@code hotpath_actions_total{action,outcome}}, the Alertmanager
 * posts and the journal's problems.
 */
public final class ActMetricFamilies implements MetricFamilySource
{
    private final ActEngine engine;

    public ActMetricFamilies(final ActEngine engine)
    {
        this.engine = engine;
    }

    @Override
    public void writeTo(final MetricWriter writer, final AggregateSnapshot snapshot)
    {
        writer.family("hotpath_incidents_open", MetricType.GAUGE, "Incidents open now (detections grouped, not yet over).");
        writer.sample("", Labels.EMPTY, null, null, null, null, engine.openIncidents());
        writer.family("hotpath_actions", MetricType.COUNTER, "Remediation attempts by outcome: dry_run, recovered, failed, rejected, "
            + "expired, or why one was skipped (switched_off, breaker_open, rate_limited, busy, cooldown).");
        for (final Map.Entry<String, Long> entry : engine.remediator().outcomeCounts().entrySet())
        {
            final String[] key = entry.getKey().split("\u0000", 2);
            writer.sample("_total", Labels.EMPTY, "action", key[0], "outcome", key[1], entry.getValue());
        }
        writer.family("hotpath_alertmanager_posts", MetricType.COUNTER,
            "Alert batches posted to Alertmanager: ok, retried (one per retry), failed (given up after every retry).");
        writer.sample("_total", Labels.EMPTY, "outcome", "ok", null, null, engine.alertmanagers().posted());
        writer.sample("_total", Labels.EMPTY, "outcome", "retried", null, null, engine.alertmanagers().retried());
        writer.sample("_total", Labels.EMPTY, "outcome", "failed", null, null, engine.alertmanagers().failed());
        writer.family("hotpath_alerts_sent", MetricType.COUNTER, "Alerts delivered to Alertmanager (resends included).");
        writer.sample("_total", Labels.EMPTY, null, null, null, null, engine.alertmanagers().alertsSent());
        writer.family("hotpath_incident_journal_errors", MetricType.COUNTER,
            "Incident journal problems: write (a transition not persisted), unreadable_line (skipped at start).");
        writer.sample("_total", Labels.EMPTY, "kind", "write", null, null, engine.journal().writeFailures());
        writer.sample("_total", Labels.EMPTY, "kind", "unreadable_line", null, null, engine.journal().linesSkipped());
        writer.family("hotpath_act_failures", MetricType.COUNTER, "Incident handling steps that failed with an exception (a bug; logged).");
        writer.sample("_total", Labels.EMPTY, null, null, null, null, engine.failures());
    }
}
