package io.hotpath.daemon.detect;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * One anomaly: a run of one detector's score on one signal of one series, from the interval that
 * opened it to the last interval at or above the exit threshold. Immutable; an open event is a
 * snapshot with {@code endMillis == }{@link #OPEN}, replaced by a new snapshot as its peak grows.
 *
 * @param id             unique in this daemon run, increasing; start and end log lines share it
 * @param seriesKey      the series, as the aggregator names it
 * @param labels         the series' labels
 * @param startMillis    start of the first interval of the event, epoch milliseconds
 * @param endMillis      end of its last interval at or above the exit threshold, or {@link #OPEN}
 * @param severity       by the peak score so far: critical at or above the critical threshold
 * @param peakScore      highest score, in standard deviations
 * @param peakAtMillis   start of the interval with the highest score
 * @param peakValue      the signal's value in that interval (seconds, ratio or calls/s)
 * @param baselineAtPeak what the detector expected in that interval
 * @param alertMillis    start of the interval in which the event opened (the alert); {@code startMillis}
 *                       is back-dated to the first interval of the run that opened it
 * @param direction      {@link Direction#UP} or {@link Direction#DOWN}: which way the value moved
 * @param agreed         the tests that agreed when the event opened, e.g. {@code point+shift}
 *                       (the adaptive detector), else the detector's name
 */
public record AnomalyEvent(
    long id,
    String seriesKey,
    Map<String, String> labels,
    Signal signal,
    DetectorKind detector,
    Severity severity,
    long startMillis,
    long endMillis,
    double peakScore,
    long peakAtMillis,
    double peakValue,
    double baselineAtPeak,
    long alertMillis,
    Direction direction,
    String agreed)
{
    public static final long OPEN = -1;

    public boolean isOpen()
    {
        return endMillis == OPEN;
    }

    /** Duration so far (open) or in total (closed), given the current time for open events. */
    public long durationMillis(final long nowMillis)
    {
        return (isOpen() ? nowMillis : endMillis) - startMillis;
    }

    /** One log line: {@code anomaly start|end id=… series=… signal=… detector=… severity=… …}. */
    public String logLine()
    {
        final StringBuilder line = new StringBuilder(200)
            .append("anomaly ").append(isOpen() ? "start" : "end")
            .append(" id=").append(id)
            .append(" series=").append(seriesKey)
            .append(" signal=").append(signal.label())
            .append(" detector=").append(detector.label())
            .append(" severity=").append(severity.label())
            .append(" direction=").append(direction.label())
            .append(" agreed=").append(agreed)
            .append(" start=").append(Instant.ofEpochMilli(startMillis));
        if (!isOpen())
        {
            line.append(" end=").append(Instant.ofEpochMilli(endMillis))
                .append(" duration=").append((endMillis - startMillis) / 1000.0).append('s');
        }
        line.append(" peak_score=").append(round(peakScore))
            .append(" value=").append(round(peakValue))
            .append(" baseline=").append(round(baselineAtPeak));
        return line.toString();
    }

    /** Writes the event's fields into {@code node} (the {@code /api/anomalies} element format). */
    public ObjectNode toJson(final ObjectNode node)
    {
        node.put("id", id);
        node.put("series", seriesKey);
        final ObjectNode labelsNode = node.putObject("labels");
        labels.forEach(labelsNode::put);
        node.put("signal", signal.label());
        node.put("detector", detector.label());
        node.put("severity", severity.label());
        node.put("start", Instant.ofEpochMilli(startMillis).toString());
        node.put("start_epoch_ms", startMillis);
        node.put("alert", Instant.ofEpochMilli(alertMillis).toString());
        node.put("alert_epoch_ms", alertMillis);
        node.put("direction", direction.label());
        node.put("agreed", agreed);
        if (isOpen())
        {
            node.putNull("end");
            node.putNull("end_epoch_ms");
        }
        else
        {
            node.put("end", Instant.ofEpochMilli(endMillis).toString());
            node.put("end_epoch_ms", endMillis);
            node.put("duration_seconds", (endMillis - startMillis) / 1000.0);
        }
        putNumber(node, "peak_score", peakScore);
        node.put("peak_at", Instant.ofEpochMilli(peakAtMillis).toString());
        putNumber(node, "peak_value", peakValue);
        putNumber(node, "baseline_at_peak", baselineAtPeak);
        return node;
    }

    static void putNumber(final ObjectNode node, final String field, final double value)
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

    private static String round(final double value)
    {
        if (!Double.isFinite(value))
        {
            return String.valueOf(value);
        }
        return String.format(Locale.ROOT, "%.6g", value);
    }
}
