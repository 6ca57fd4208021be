package io.hotpath.daemon.act.incident;

import java.util.Map;

/**
 * What an incident source reports: one detection opening or closing, in the shape the act side
 * needs and nothing more, so that a source (today: anomaly events and SLO burn alerts; later: the
 * detector's own incident grouping) is re-pointed by writing one small adapter.
 *
 * @param memberId    identifies this detection among the open ones (its open and close share it)
 * @param groupKey    detections open at the same time with the same key become one incident
 * @param labels      the alert's labels: alertname, service, metric, series labels, severity, slo
 * @param severity    {@code warning}/{@code critical} (anomalies) or {@code page}/{@code ticket} (SLOs)
 * @param startMillis when the detection began, epoch milliseconds
 * @param open        false for the closing report
 * @param summary     one line for humans
 * @param description more detail (values, baseline, burn rates)
 */
public record SourceEvent(
    String source,
    String memberId,
    String groupKey,
    Map<String, String> labels,
    String severity,
    long startMillis,
    boolean open,
    String summary,
    String description)
{
    public static final String ANOMALY = "anomaly";
    public static final String SLO = "slo";

    public SourceEvent
    {
        labels = Map.copyOf(labels);
    }

    /** Rank of a severity (higher is worse): an incident carries its worst member's. */
    public static int rank(final String severity)
    {
        switch (severity)
        {
            case "page": return 4;
            case "critical": return 3;
            case "ticket": return 2;
            case "warning": return 1;
            default: return 0;
        }
    }
}
