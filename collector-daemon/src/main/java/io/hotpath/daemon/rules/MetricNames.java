package io.hotpath.daemon.rules;

import java.util.List;
import java.util.Set;

/**
 * Every metric family name hotpathd exposes, as listed in {@code collector-daemon/METRICS.md}, plus
 * the names the generated Prometheus rules record. One list for the exposition code, the rule
 * generator and the dashboards, so that a dashboard can never query a name nobody writes:
 * {@code MetricNamesTest} parses METRICS.md and fails when this class and the contract drift apart.
 *
 * <p>Counter families carry their {@code _total} suffix here (the sample name in the 0.0.4 text format);
 * a histogram family is the base name, its samples add {@code _bucket}, {@code _sum} and {@code _count}.
 */
public final class MetricNames
{
    // Per series.
    public static final String DURATION_SECONDS = "hotpath_duration_seconds";
    public static final String DURATION_QUANTILE_SECONDS = "hotpath_duration_quantile_seconds";
    public static final String CALLS_TOTAL = "hotpath_calls_total";
    public static final String PAYLOAD_BYTES_TOTAL = "hotpath_payload_bytes_total";
    public static final String LATE_SAMPLES_TOTAL = "hotpath_late_samples_total";

    // Anomalies.
    public static final String ANOMALY_SCORE = "hotpath_anomaly_score";
    public static final String ANOMALIES_TOTAL = "hotpath_anomalies_total";
    public static final String ANOMALY_ACTIVE = "hotpath_anomaly_active";
    public static final String ANOMALY_INCIDENTS_TOTAL = "hotpath_anomaly_incidents_total";
    public static final String ANOMALY_INCIDENTS_ACTIVE = "hotpath_anomaly_incidents_active";
    public static final String ANOMALY_STALLS_TOTAL = "hotpath_anomaly_stalls_total";

    // SLOs.
    public static final String SLO_TARGET_RATIO = "hotpath_slo_target_ratio";
    public static final String SLO_SLI_RATIO = "hotpath_slo_sli_ratio";
    public static final String SLO_BURN_RATE = "hotpath_slo_burn_rate";
    public static final String SLO_ERROR_BUDGET_REMAINING_RATIO = "hotpath_slo_error_budget_remaining_ratio";
    public static final String SLO_ERROR_BUDGET_CONSUMED_RATIO = "hotpath_slo_error_budget_consumed_ratio";
    public static final String SLO_EVENTS_TOTAL = "hotpath_slo_events_total";
    public static final String SLO_ALERT_ACTIVE = "hotpath_slo_alert_active";

    // Agent self-metrics (from AGENT_STATS records).
    public static final String AGENT_SAMPLES_RECORDED_TOTAL = "hotpath_agent_samples_recorded_total";
    public static final String AGENT_SAMPLES_DROPPED_TOTAL = "hotpath_agent_samples_dropped_total";
    public static final String AGENT_SAMPLES_DRAINED_TOTAL = "hotpath_agent_samples_drained_total";
    public static final String AGENT_ADVICE_ERRORS_TOTAL = "hotpath_agent_advice_errors_total";
    public static final String AGENT_LABEL_OVERFLOWS_TOTAL = "hotpath_agent_label_overflows_total";
    public static final String AGENT_RING_OCCUPANCY_RATIO = "hotpath_agent_ring_occupancy_ratio";
    public static final String AGENT_DRAIN_LAG_SECONDS = "hotpath_agent_drain_lag_seconds";

    // Daemon self-metrics.
    public static final String DAEMON_RECORDS_READ_TOTAL = "hotpath_daemon_records_read_total";
    public static final String DAEMON_RECORDS_REJECTED_TOTAL = "hotpath_daemon_records_rejected_total";
    public static final String DAEMON_QUEUE_GAPS_TOTAL = "hotpath_daemon_queue_gaps_total";
    public static final String DAEMON_QUEUES_TAILED = "hotpath_daemon_queues_tailed";
    public static final String DAEMON_QUEUE_LAG_SECONDS = "hotpath_daemon_queue_lag_seconds";
    public static final String DAEMON_SERIES = "hotpath_daemon_series";
    public static final String DAEMON_SERIES_OVERFLOW_TOTAL = "hotpath_daemon_series_overflow_total";
    public static final String DAEMON_ROTATION_DURATION_SECONDS = "hotpath_daemon_rotation_duration_seconds";
    public static final String DAEMON_SCRAPE_DURATION_SECONDS = "hotpath_daemon_scrape_duration_seconds";
    public static final String DAEMON_HTTP_CONNECTIONS = "hotpath_daemon_http_connections";
    public static final String DAEMON_HTTP_CONNECTIONS_LIMIT = "hotpath_daemon_http_connections_limit";
    public static final String DAEMON_HTTP_CONNECTIONS_CLOSED_TOTAL = "hotpath_daemon_http_connections_closed_total";
    public static final String DAEMON_CHECKPOINT_FAILURES_TOTAL = "hotpath_daemon_checkpoint_failures_total";
    public static final String DAEMON_ANOMALY_STATE_FAILURES_TOTAL = "hotpath_daemon_anomaly_state_failures_total";
    // Spool faults (tail package): queues by state, quarantines, damaged bytes stepped over, samples accounted per queue.
    public static final String DAEMON_QUEUES = "hotpath_daemon_queues";
    public static final String DAEMON_QUEUE_FAULTS_TOTAL = "hotpath_daemon_queue_faults_total";
    public static final String DAEMON_SPOOL_SKIPPED_BYTES_TOTAL = "hotpath_daemon_spool_skipped_bytes_total";
    public static final String DAEMON_SPOOL_SKIPPED_DOCUMENTS_TOTAL = "hotpath_daemon_spool_skipped_documents_total";
    public static final String DAEMON_SAMPLES_LOST_TOTAL = "hotpath_daemon_samples_lost_total";
    public static final String DAEMON_QUEUE_SAMPLES_TOTAL = "hotpath_daemon_queue_samples_total";
    public static final String DAEMON_QUEUE_SAMPLES_UNEXPLAINED = "hotpath_daemon_queue_samples_unexplained";

    // Pushgateway (push package), remote write (remotewrite package), incidents and actions (act package).
    public static final String DAEMON_PUSH_FAILURES_TOTAL = "hotpath_daemon_push_failures_total";
    public static final String DAEMON_PUSH_LAST_SUCCESS_TIMESTAMP_SECONDS = "hotpath_daemon_push_last_success_timestamp_seconds";
    public static final String REMOTE_WRITE_SAMPLES_SENT_TOTAL = "hotpath_remote_write_samples_sent_total";
    public static final String REMOTE_WRITE_BYTES_SENT_TOTAL = "hotpath_remote_write_bytes_sent_total";
    public static final String REMOTE_WRITE_REQUESTS_FAILED_TOTAL = "hotpath_remote_write_requests_failed_total";
    public static final String REMOTE_WRITE_SAMPLES_DROPPED_TOTAL = "hotpath_remote_write_samples_dropped_total";
    public static final String REMOTE_WRITE_PENDING_REQUESTS = "hotpath_remote_write_pending_requests";
    public static final String REMOTE_WRITE_BACKLOG_BYTES = "hotpath_remote_write_backlog_bytes";
    public static final String REMOTE_WRITE_LAG_SECONDS = "hotpath_remote_write_lag_seconds";
    public static final String INCIDENTS_OPEN = "hotpath_incidents_open";
    public static final String ACTIONS_TOTAL = "hotpath_actions_total";
    public static final String ALERTMANAGER_POSTS_TOTAL = "hotpath_alertmanager_posts_total";
    public static final String ALERTS_SENT_TOTAL = "hotpath_alerts_sent_total";
    public static final String INCIDENT_JOURNAL_ERRORS_TOTAL = "hotpath_incident_journal_errors_total";
    public static final String ACT_FAILURES_TOTAL = "hotpath_act_failures_total";

    /** Histogram families: their samples are {@code name_bucket}, {@code name_sum}, {@code name_count}. */
    public static final Set<String> HISTOGRAMS = Set.of(DURATION_SECONDS);

    /** Every family of METRICS.md except the {@code jvm_*} and {@code process_*} ones of simpleclient_hotspot. */
    public static final List<String> EXPOSED = List.of(
        DURATION_SECONDS, DURATION_QUANTILE_SECONDS, CALLS_TOTAL, PAYLOAD_BYTES_TOTAL, LATE_SAMPLES_TOTAL,
        ANOMALY_SCORE, ANOMALIES_TOTAL, ANOMALY_ACTIVE, ANOMALY_INCIDENTS_TOTAL, ANOMALY_INCIDENTS_ACTIVE,
        ANOMALY_STALLS_TOTAL, SLO_TARGET_RATIO, SLO_SLI_RATIO, SLO_BURN_RATE, SLO_ERROR_BUDGET_REMAINING_RATIO,
        SLO_ERROR_BUDGET_CONSUMED_RATIO, SLO_EVENTS_TOTAL, SLO_ALERT_ACTIVE,
        AGENT_SAMPLES_RECORDED_TOTAL, AGENT_SAMPLES_DROPPED_TOTAL, AGENT_SAMPLES_DRAINED_TOTAL,
        AGENT_ADVICE_ERRORS_TOTAL, AGENT_LABEL_OVERFLOWS_TOTAL, AGENT_RING_OCCUPANCY_RATIO, AGENT_DRAIN_LAG_SECONDS,
        DAEMON_RECORDS_READ_TOTAL, DAEMON_RECORDS_REJECTED_TOTAL, DAEMON_QUEUE_GAPS_TOTAL, DAEMON_QUEUES_TAILED, DAEMON_QUEUE_LAG_SECONDS,
        DAEMON_SERIES, DAEMON_SERIES_OVERFLOW_TOTAL, DAEMON_ROTATION_DURATION_SECONDS, DAEMON_SCRAPE_DURATION_SECONDS,
        DAEMON_HTTP_CONNECTIONS, DAEMON_HTTP_CONNECTIONS_LIMIT, DAEMON_HTTP_CONNECTIONS_CLOSED_TOTAL,
        DAEMON_CHECKPOINT_FAILURES_TOTAL,
        DAEMON_ANOMALY_STATE_FAILURES_TOTAL,
        DAEMON_QUEUES, DAEMON_QUEUE_FAULTS_TOTAL, DAEMON_SPOOL_SKIPPED_BYTES_TOTAL, DAEMON_SPOOL_SKIPPED_DOCUMENTS_TOTAL,
        DAEMON_SAMPLES_LOST_TOTAL, DAEMON_QUEUE_SAMPLES_TOTAL, DAEMON_QUEUE_SAMPLES_UNEXPLAINED,
        DAEMON_PUSH_FAILURES_TOTAL, DAEMON_PUSH_LAST_SUCCESS_TIMESTAMP_SECONDS,
        REMOTE_WRITE_SAMPLES_SENT_TOTAL, REMOTE_WRITE_BYTES_SENT_TOTAL, REMOTE_WRITE_REQUESTS_FAILED_TOTAL,
        REMOTE_WRITE_SAMPLES_DROPPED_TOTAL, REMOTE_WRITE_PENDING_REQUESTS, REMOTE_WRITE_BACKLOG_BYTES, REMOTE_WRITE_LAG_SECONDS,
        INCIDENTS_OPEN, ACTIONS_TOTAL, ALERTMANAGER_POSTS_TOTAL, ALERTS_SENT_TOTAL, INCIDENT_JOURNAL_ERRORS_TOTAL,
        ACT_FAILURES_TOTAL);

    /**
     * Prefixes METRICS.md delegates to simpleclient_hotspot ({@code jvm_*}, {@code process_*}); the
     * dashboards use only {@link #HOTSPOT_USED} of them.
     */
    public static final List<String> HOTSPOT_PREFIXES = List.of("jvm_", "process_");

    /** The simpleclient_hotspot samples the self-monitoring dashboard queries. */
    public static final List<String> HOTSPOT_USED = List.of(
        "process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
        "jvm_memory_bytes_used", "jvm_gc_collection_seconds_sum", "jvm_threads_current");

    /** Generated by Prometheus itself for every scrape target, not by hotpathd. */
    public static final String PROMETHEUS_UP = "up";

    // Names recorded by the generated rule file (RuleFileGenerator); level:metric:operation.
    /** Prefix of the SLO error ratio per window, e.g. {@code hotpath:slo_error_ratio:rate5m}. */
    public static final String RECORDED_SLO_ERROR_RATIO_PREFIX = "hotpath:slo_error_ratio:rate";
    /** Time-slice SLOs: 1 when the last minute missed the per-slice objective, else 0. */
    public static final String RECORDED_SLO_SLICE_BAD = "hotpath:slo_slice_bad:1m";
    /** Bad events / s and all events / s over 5m per SLO: windows beyond 1h are sums over these, not raw rate(...[30d]). */
    public static final String RECORDED_SLO_BAD_RATE5M = "hotpath:slo_bad_events:rate5m";
    public static final String RECORDED_SLO_EVENTS_RATE5M = "hotpath:slo_events:rate5m";
    public static final String RECORDED_SLO_TARGET = "hotpath:slo_target:ratio";
    public static final String RECORDED_SLO_BUDGET_REMAINING = "hotpath:slo_error_budget_remaining:ratio";
    public static final String RECORDED_CALLS_ERROR_RATIO = "hotpath:calls_error_ratio:rate5m";
    public static final String RECORDED_CALLS_RATE = "hotpath:calls:rate5m";
    public static final String RECORDED_DURATION_P95 = "hotpath:duration_seconds:p95_rate5m";
    public static final String RECORDED_DURATION_P99 = "hotpath:duration_seconds:p99_rate5m";

    private MetricNames()
    {
    }

    /** The sample names a family produces: the histogram suffixes for histograms, else the name itself. */
    public static List<String> sampleNames(final String family)
    {
        if (HISTOGRAMS.contains(family))
        {
            return List.of(family + "_bucket", family + "_sum", family + "_count");
        }
        return List.of(family);
    }
}
