package io.hotpath.daemon.expose;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.hotspot.DefaultExports;
import java.util.Enumeration;

/** The daemon's own {@code jvm_*} and {@code process_*} families, from simpleclient_hotspot's collectors. */
public final class JvmMetricFamilies implements MetricFamilySource
{
    private final CollectorRegistry registry = new CollectorRegistry();

    public JvmMetricFamilies()
    {
        DefaultExports.register(registry);
    }

    @Override
    public void writeTo(final MetricWriter writer, final AggregateSnapshot snapshot)
    {
        final Enumeration<Collector.MetricFamilySamples> families = registry.metricFamilySamples();
        while (families.hasMoreElements())
        {
            final Collector.MetricFamilySamples family = families.nextElement();
            writer.family(family.name, type(family.type), family.help);
            for (final Collector.MetricFamilySamples.Sample sample : family.samples)
            {
                // simpleclient's counters add a *_created sample; in the Prometheus text format it is a
                // family of its own without HELP, which promtool check metrics reports.
                if (!sample.name.startsWith(family.name) || sample.name.endsWith("_created"))
                {
                    continue;
                }
                writer.sample(sample.name.substring(family.name.length()), Labels.of(sample.labelNames, sample.labelValues),
                    null, null, null, null, sample.value);
            }
        }
    }

    private static MetricType type(final Collector.Type type)
    {
        switch (type)
        {
            case COUNTER: return MetricType.COUNTER;
            case GAUGE: return MetricType.GAUGE;
            case HISTOGRAM: return MetricType.HISTOGRAM;
            case SUMMARY: return MetricType.SUMMARY;
            case INFO: return MetricType.INFO;
            default: return MetricType.UNKNOWN;
        }
    }
}
