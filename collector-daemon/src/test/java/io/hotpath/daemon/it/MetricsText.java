package io.hotpath.daemon.it;

import java.util.Map;
import java.util.TreeMap;

/** Picks samples of one family out of Prometheus text: label block → value. */
final class MetricsText
{
    private MetricsText()
    {
    }

    static Map<String, Double> samples(final String text, final String metricName)
    {
        final Map<String, Double> samples = new TreeMap<>();
        for (final String line : text.split("\n"))
        {
            if (line.startsWith(metricName + "{") || line.startsWith(metricName + " "))
            {
                final int space = line.lastIndexOf(' ');
                final String labels = line.startsWith(metricName + "{") ? line.substring(metricName.length(), line.lastIndexOf('}') + 1) : "";
                samples.put(labels, Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }
}
