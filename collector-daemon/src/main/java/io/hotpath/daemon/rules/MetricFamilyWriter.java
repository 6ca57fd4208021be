package io.hotpath.daemon.rules;

import java.util.Map;

/**
 * Kept only while {@code detect.AnomalyEngine#writeMetrics} (test-only, being removed on the detect
 * branch) uses it: every family the daemon exposes goes through
 * {@link io.hotpath.daemon.expose.MetricWriter}. Delete with {@link PrometheusTextWriter} then.
 *
 * <p>Where the anomaly and SLO engines write their metric families at scrape time. Deliberately
 * smaller than any exposition library: the daemon's own exposition (text 0.0.4, OpenMetrics, a
 * Pushgateway body) implements it, or uses {@link PrometheusTextWriter}.
 *
 * <p>Calls come in order: {@link #family} once, then that family's {@link #sample}s, then the next
 * family. A family may have no samples. Sample names are full (a counter's sample ends in
 * {@code _total}; an OpenMetrics writer strips it from the family name). Label maps are iterated in
 * their own order and must not be retained: engines reuse precomputed maps.
 */
public interface MetricFamilyWriter
{
    enum Type
    {
        COUNTER("counter"), GAUGE("gauge");

        private final String text;

        Type(final String text)
        {
            this.text = text;
        }

        /** The name in a {@code # TYPE} line. */
        public String text()
        {
            return text;
        }
    }

    void family(String name, Type type, String help);

    void sample(String name, Map<String, String> labels, double value);
}
