package io.hotpath.daemon.expose;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.hotspot.DefaultExports;
import java.util.Collections;
import java.util.List;

/**
 * The daemon's own {@code jvm_*} and {@code process_*} families, from simpleclient_hotspot's collectors.
 *
 * <p>Collected at most every {@value #REFRESH_MILLIS} ms, not at every rotation: a collection costs
 * ~1 ms of CPU (thread states and deadlock checks are VM operations at a safepoint, the process
 * collector reads /proc), which alone was a third of an idle daemon's CPU; process and JVM gauges are
 * scraped every 15 s or more anyway.
 */
public final class JvmMetricFamilies implements MetricFamilySource
{
    static final long REFRESH_MILLIS = 10_000;

    private final CollectorRegistry registry = new CollectorRegistry();
    private List<Collector.MetricFamilySamples> collected = List.of();
    private long collectedAtNanos;

    public JvmMetricFamilies()
    {
        DefaultExports.register(registry);
    }

    @Override
    public void writeTo(final MetricWriter writer, final AggregateSnapshot snapshot)
    {
        final long now = System.nanoTime();
        if (collected.isEmpty() || now - collectedAtNanos >= REFRESH_MILLIS * 1_000_000L)
        {
            collected = Collections.list(registry.metricFamilySamples());
            collectedAtNanos = now;
        }
        for (final Collector.MetricFamilySamples family : collected)
        {
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
