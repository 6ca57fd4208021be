package io.hotpath.daemon.slo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What counts as a good event, on which series.
 *
 * <ul>
 * <li><b>Latency, per call</b> ({@code percentile} absent): a call is good when it took at most
 *     {@code threshold}; "99 % of sends under 100 ms" is threshold 100 ms, target 0.99.</li>
 * <li><b>Latency, per minute</b> ({@code percentile} set): a minute is good when at least
 *     {@code percentile} of its calls took at most {@code threshold} (a minute without calls is
 *     good); "p95 under 100 ms in 99 % of minutes" is threshold 100 ms, percentile 0.95, target
 *     0.99. The events are minutes.</li>
 * <li><b>Success</b>: a call is good when its outcome is ok.</li>
 * </ul>
 *
 * The series are those whose {@code metric} label equals {@code metric} and whose labels include
 * every pair of {@code labels}; their events add up.
 */
public record SliSpec(Type type, String metric, Map<String, String> labels, long thresholdNanos, double percentile)
{
    public enum Type
    {
        LATENCY("latency"), SUCCESS("success");

        private final String label;

        Type(final String label)
        {
            this.label = label;
        }

        public String label()
        {
            return label;
        }
    }

    public SliSpec
    {
        labels = Collections.unmodifiableMap(new TreeMap<>(labels));
        if (type == Type.LATENCY && thresholdNanos <= 0)
        {
            throw new IllegalArgumentException("a latency SLI needs a threshold > 0");
        }
        if (!Double.isNaN(percentile) && !(percentile > 0 && percentile < 1))
        {
            throw new IllegalArgumentException("percentile must be in (0, 1), got " + percentile);
        }
    }

    public static SliSpec latency(final String metric, final Map<String, String> labels, final long thresholdNanos)
    {
        return new SliSpec(Type.LATENCY, metric, labels, thresholdNanos, Double.NaN);
    }

    public static SliSpec latencySlices(
        final String metric, final Map<String, String> labels, final long thresholdNanos, final double percentile)
    {
        return new SliSpec(Type.LATENCY, metric, labels, thresholdNanos, percentile);
    }

    public static SliSpec success(final String metric, final Map<String, String> labels)
    {
        return new SliSpec(Type.SUCCESS, metric, labels, 0, Double.NaN);
    }

    /** Whether the events are one-minute slices rather than calls. */
    public boolean timeSliced()
    {
        return !Double.isNaN(percentile);
    }

    /** Whether a series with these labels feeds this SLI. */
    public boolean matches(final Map<String, String> seriesLabels)
    {
        if (!metric.equals(seriesLabels.get("metric")))
        {
            return false;
        }
        for (final Map.Entry<String, String> label : labels.entrySet())
        {
            if (!label.getValue().equals(seriesLabels.get(label.getKey())))
            {
                return false;
            }
        }
        return true;
    }

    /** Threshold in seconds, as Prometheus' {@code le} label spells bucket bounds. */
    public double thresholdSeconds()
    {
        return thresholdNanos / 1e9;
    }

    /**
     * 64 bits identifying what is counted (type, series selector, threshold, percentile): persisted
     * counters are only reused by an SLI with the same fingerprint. Target and window are not part
     * of it; changing them reinterprets the same events.
     */
    public long fingerprint()
    {
        final StringBuilder canonical = new StringBuilder()
            .append(type.label).append('|').append(metric).append('|')
            .append(new TreeMap<>(labels)).append('|').append(thresholdNanos).append('|').append(percentile);
        try
        {
            final byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            long fingerprint = 0;
            for (int i = 0; i < 8; i++)
            {
                fingerprint = (fingerprint << 8) | (digest[i] & 0xFF);
            }
            return fingerprint;
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
