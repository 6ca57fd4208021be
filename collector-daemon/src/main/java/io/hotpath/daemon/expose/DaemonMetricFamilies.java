package io.hotpath.daemon.expose;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.tail.IngestCounters;
import io.hotpath.daemon.tail.QueueTailer;
import io.hotpath.daemon.tail.SpoolTailers;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/** The daemon's and the agents' self-metrics of METRICS.md. */
public final class DaemonMetricFamilies implements MetricFamilySource
{
    private final SpoolTailers spool;
    private final IngestCounters counters;
    private final ScrapeStats scrapeStats;
    private LongSupplier checkpointFailures = () -> 0;
    private LongSupplier anomalyStateRestoreFailures = () -> 0;
    private LongSupplier anomalyStateWriteFailures = () -> 0;

    public DaemonMetricFamilies(final SpoolTailers spool, final IngestCounters counters, final ScrapeStats scrapeStats)
    {
        this.spool = spool;
        this.counters = counters;
        this.scrapeStats = scrapeStats;
    }

    /** Source of {@code hotpath_daemon_checkpoint_failures_total}. */
    /** The detectors' learnt-state file: restores refused (corrupt, other version) and saves that failed. */
    public DaemonMetricFamilies anomalyStateFailures(final LongSupplier restore, final LongSupplier write)
    {
        this.anomalyStateRestoreFailures = restore;
        this.anomalyStateWriteFailures = write;
        return this;
    }

    public DaemonMetricFamilies checkpointFailures(final LongSupplier failures)
    {
        this.checkpointFailures = failures;
        return this;
    }

    @Override
    public void writeTo(final MetricWriter writer, final AggregateSnapshot snapshot)
    {
        final List<SpoolTailers.QueueStatus> queues = spool.statuses();

        writer.family("hotpath_daemon_records_read", MetricType.COUNTER, "Wire records read, by queue.");
        for (final SpoolTailers.QueueStatus queue : queues)
        {
            writer.sample("_total", Labels.EMPTY, "queue", queue.queue(), null, null, queue.recordsRead());
        }
        writer.family("hotpath_daemon_records_rejected", MetricType.COUNTER, "Records or samples skipped as invalid, by reason.");
        for (final Map.Entry<String, Long> entry : counters.rejectedByReason().entrySet())
        {
            writer.sample("_total", Labels.EMPTY, "reason", entry.getKey(), null, null, entry.getValue());
        }
        writer.family("hotpath_daemon_queue_gaps", MetricType.COUNTER,
            "Unread cycle files that vanished before they were read (the agent's spool size cap deleted them); their samples are lost.");
        writer.sample("_total", Labels.EMPTY, null, null, null, null, counters.queueGaps());
        long active = 0;
        for (final SpoolTailers.QueueStatus queue : queues)
        {
            active += queue.active() ? 1 : 0;
        }
        writer.family("hotpath_daemon_queues_tailed", MetricType.GAUGE, "Queues being tailed (not finished, not refused).");
        writer.sample("", Labels.EMPTY, null, null, null, null, active);
        writer.family("hotpath_daemon_queue_lag_seconds", MetricType.GAUGE,
            "Age of the newest sample read from a queue that still has unread documents; 0 when caught up.");
        for (final SpoolTailers.QueueStatus queue : queues)
        {
            if (queue.active())
            {
                writer.sample("", Labels.EMPTY, "queue", queue.queue(), null, null, queue.lagSeconds());
            }
        }
        writeQueueHealth(writer, queues);
        writer.family("hotpath_daemon_series", MetricType.GAUGE, "Series aggregated.");
        writer.sample("", Labels.EMPTY, null, null, null, null, snapshot.series().size());
        writer.family("hotpath_daemon_series_overflow", MetricType.COUNTER,
            "Label sets folded into the overflow series by the per-metric cardinality cap.");
        for (final Map.Entry<String, Long> entry : snapshot.overflowByMetric().entrySet())
        {
            writer.sample("_total", Labels.EMPTY, "metric", entry.getKey(), null, null, entry.getValue());
        }
        writer.family("hotpath_daemon_rotation_duration_seconds", MetricType.GAUGE,
            "Duration of the last 1 s rotation (closing intervals, windows, quantiles).");
        writer.sampleNanosAsSeconds("", Labels.EMPTY, null, null, null, null, snapshot.rotationDurationNanos());
        writer.family("hotpath_daemon_scrape_duration_seconds", MetricType.GAUGE, "Duration of the last /metrics request.");
        writer.sampleNanosAsSeconds("", Labels.EMPTY, null, null, null, null, scrapeStats.lastScrapeNanos());

        writer.family("hotpath_daemon_checkpoint_failures", MetricType.COUNTER,
            "Checkpoint writes that failed (e.g. state file system full); serving goes on.");
        writer.sample("_total", Labels.EMPTY, null, null, null, null, checkpointFailures.getAsLong());
        writer.family("hotpath_daemon_anomaly_state_failures", MetricType.COUNTER,
            "Learnt detector state not restored (op=restore: corrupt or other version, learning again) or not saved (op=write).");
        writer.sample("_total", Labels.EMPTY, "op", "restore", null, null, anomalyStateRestoreFailures.getAsLong());
        writer.sample("_total", Labels.EMPTY, "op", "write", null, null, anomalyStateWriteFailures.getAsLong());
        writeHttpFamilies(writer, scrapeStats);
        writeAgentFamilies(writer, queues);
    }

    private static void writeHttpFamilies(final MetricWriter writer, final ScrapeStats stats)
    {
        writer.family("hotpath_daemon_http_connections", MetricType.GAUGE, "HTTP connections open.");
        writer.sample("", Labels.EMPTY, null, null, null, null, stats.connectionsOpen());
        writer.family("hotpath_daemon_http_connections_limit", MetricType.GAUGE,
            "Most HTTP connections held open (http.max-connections, below the open-file limit minus a reserve).");
        writer.sample("", Labels.EMPTY, null, null, null, null, stats.connectionLimit());
        writer.family("hotpath_daemon_http_connections_closed", MetricType.COUNTER,
            "HTTP connections the server closed: shed (at the cap, all busy), evicted_idle (at the cap, to make room), " +
                "idle_timeout, request_timeout.");
        for (final String reason : ScrapeStats.CLOSED_REASONS)
        {
            writer.sample("_total", Labels.EMPTY, "reason", reason, null, null, stats.connectionsClosed(reason));
        }
    }

    /** Queues by state and reason, spool damage, and per queue the agent's samples written beside ours counted and lost. */
    private void writeQueueHealth(final MetricWriter writer, final List<SpoolTailers.QueueStatus> queues)
    {
        final Map<String, Long> byState = new TreeMap<>();
        for (final String state : List.of("tailing", "finished", "quarantined", "refused"))
        {
            byState.put(state + "\u0000", 0L);
        }
        for (final SpoolTailers.QueueStatus queue : queues)
        {
            final String reason = "tailing".equals(queue.state()) || "finished".equals(queue.state()) || queue.problem() == null ? "" :
                queue.problem();
            byState.merge(queue.state() + "\u0000" + reason, 1L, Long::sum);
        }
        writer.family("hotpath_daemon_queues", MetricType.GAUGE,
            "Queues by state (tailing, finished, quarantined: cannot be read now and retried when its files change; refused: " +
            "another format) and reason.");
        for (final Map.Entry<String, Long> entry : byState.entrySet())
        {
            final String[] parts = entry.getKey().split("\u0000", -1);
            writer.sample("", Labels.EMPTY, "state", parts[0], parts[1].isEmpty() ? null : "reason", parts[1].isEmpty() ? null : parts[1],
                entry.getValue());
        }
        writer.family("hotpath_daemon_queue_faults", MetricType.COUNTER,
            "Queues quarantined (permission, io_error, missing_file, mapped_file_fault, internal_error) or cycle files found " +
            "cut off (truncated), by reason.");
        for (final Map.Entry<String, Long> entry : counters.faultsByReason().entrySet())
        {
            writer.sample("_total", Labels.EMPTY, "reason", entry.getKey(), null, null, entry.getValue());
        }
        writer.family("hotpath_daemon_spool_skipped_bytes", MetricType.COUNTER,
            "Damaged bytes of cycle files stepped over to the next valid document.");
        writer.sample("_total", Labels.EMPTY, null, null, null, null, counters.skippedBytes());
        writer.family("hotpath_daemon_spool_skipped_documents", MetricType.COUNTER,
            "Document headers found in the damaged bytes stepped over.");
        writer.sample("_total", Labels.EMPTY, null, null, null, null, counters.skippedDocuments());
        writer.family("hotpath_daemon_samples_lost", MetricType.COUNTER,
            "Samples known lost: in batch headers that survive in damaged bytes, after a malformed record, of undeclared ids.");
        writer.sample("_total", Labels.EMPTY, null, null, null, null, counters.lostSamples());
        writer.family("hotpath_daemon_queue_samples", MetricType.COUNTER,
            "Per queue, as of its agent's last AGENT_STATS record: samples the agent wrote (state=written), and samples hotpathd " +
            "counted (counted) and counted as lost (lost) up to that record. written - counted - lost is unexplained.");
        for (final SpoolTailers.QueueStatus queue : queues)
        {
            final SpoolTailers.SampleAccount samples = queue.samples();
            if (samples != null && samples.writtenAtStats() >= 0)
            {
                writer.sample("_total", Labels.EMPTY, "queue", queue.queue(), "state", "written", samples.writtenAtStats());
                writer.sample("_total", Labels.EMPTY, "queue", queue.queue(), "state", "counted", samples.countedAtStats());
                writer.sample("_total", Labels.EMPTY, "queue", queue.queue(), "state", "lost", samples.lostAtStats());
            }
        }
        writer.family("hotpath_daemon_queue_samples_unexplained", MetricType.GAUGE,
            "Per queue: samples its agent wrote (by its last AGENT_STATS) that hotpathd neither counted nor counted as lost.");
        for (final SpoolTailers.QueueStatus queue : queues)
        {
            final SpoolTailers.SampleAccount samples = queue.samples();
            if (samples != null && samples.writtenAtStats() >= 0)
            {
                writer.sample("", Labels.EMPTY, "queue", queue.queue(), null, null, samples.unexplainedAtStats());
            }
        }
    }

    private static void writeAgentFamilies(final MetricWriter writer, final List<SpoolTailers.QueueStatus> queues)
    {
        final String[][] counterFamilies = {
            { "hotpath_agent_samples_recorded", "Samples the agent recorded into its ring." },
            { "hotpath_agent_samples_dropped", "Samples the agent dropped because its ring was full." },
            { "hotpath_agent_samples_drained", "Samples the agent drained from its ring to the spool." },
            { "hotpath_agent_advice_errors", "Throwables caught inside the agent's advice." },
            { "hotpath_agent_label_overflows", "Label values the agent folded into other." },
        };
        for (int f = 0; f < counterFamilies.length; f++)
        {
            writer.family(counterFamilies[f][0], MetricType.COUNTER, counterFamilies[f][1]);
            for (final SpoolTailers.QueueStatus queue : queues)
            {
                final QueueTailer.AgentStatsSnapshot stats = queue.agentStats();
                if (stats != null && queue.active())
                {
                    final long value;
                    switch (f)
                    {
                        case 0: value = stats.samplesRecorded(); break;
                        case 1: value = stats.samplesDropped(); break;
                        case 2: value = stats.samplesDrained(); break;
                        case 3: value = stats.adviceErrors(); break;
                        default: value = stats.labelOverflows(); break;
                    }
                    writer.sample("_total", Labels.EMPTY, "service", queue.service(), "pid", Long.toString(queue.pid()), value);
                }
            }
        }
        writer.family("hotpath_agent_ring_occupancy_ratio", MetricType.GAUGE, "Share of the agent's ring in use.");
        for (final SpoolTailers.QueueStatus queue : queues)
        {
            final QueueTailer.AgentStatsSnapshot stats = queue.agentStats();
            if (stats != null && queue.active())
            {
                final double ratio = stats.ringCapacityBytes() > 0 ? (double)stats.ringOccupancyBytes() / stats.ringCapacityBytes() : 0.0;
                writer.sample("", Labels.EMPTY, "service", queue.service(), "pid", Long.toString(queue.pid()), ratio);
            }
        }
        writer.family("hotpath_agent_drain_lag_seconds", MetricType.GAUGE, "Age of the oldest sample the agent last drained.");
        for (final SpoolTailers.QueueStatus queue : queues)
        {
            final QueueTailer.AgentStatsSnapshot stats = queue.agentStats();
            if (stats != null && queue.active())
            {
                writer.sampleNanosAsSeconds("", Labels.EMPTY, "service", queue.service(), "pid", Long.toString(queue.pid()),
                    stats.drainLagNanos());
            }
        }
    }
}
