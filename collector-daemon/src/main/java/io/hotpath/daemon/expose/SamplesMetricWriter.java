package io.hotpath.daemon.expose;

import io.prometheus.client.Collector;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects families as simpleclient {@link Collector.MetricFamilySamples}, the form
 * {@code simpleclient_pushgateway} pushes. Exemplars are dropped (the Pushgateway keeps none).
 */
public final class SamplesMetricWriter implements MetricWriter
{
    private final List<Collector.MetricFamilySamples> families = new ArrayList<>();
    private String name;
    private MetricType type;
    private String help;
    private List<Collector.MetricFamilySamples.Sample> samples;

    @Override
    public void family(final String name, final MetricType type, final String help)
    {
        flush();
        this.name = name;
        this.type = type;
        this.help = help;
        this.samples = new ArrayList<>();
    }

    @Override
    public void sample(final String suffix, final Labels labels, final String name1, final String value1, final String name2,
        final String value2, final long value)
    {
        sample(suffix, labels, name1, value1, name2, value2, (double)value);
    }

    @Override
    public void sample(final String suffix, final Labels labels, final String name1, final String value1, final String name2,
        final String value2, final double value)
    {
        final List<String> names = new ArrayList<>(labels.size() + 2);
        final List<String> values = new ArrayList<>(labels.size() + 2);
        for (int i = 0; i < labels.size(); i++)
        {
            names.add(labels.name(i));
            values.add(labels.value(i));
        }
        if (name1 != null)
        {
            names.add(name1);
            values.add(value1);
        }
        if (name2 != null)
        {
            names.add(name2);
            values.add(value2);
        }
        samples.add(new Collector.MetricFamilySamples.Sample(name + suffix, names, values, value));
    }

    @Override
    public void sampleNanosAsSeconds(final String suffix, final Labels labels, final String name1, final String value1,
        final String name2, final String value2, final long nanos)
    {
        sample(suffix, labels, name1, value1, name2, value2, BigDecimal.valueOf(nanos, 9).doubleValue());
    }

    @Override
    public void exemplar(final String traceId, final String spanId, final long valueNanos, final long epochMillis)
    {
    }

    public List<Collector.MetricFamilySamples> finish()
    {
        flush();
        return families;
    }

    private void flush()
    {
        if (name != null)
        {
            families.add(new Collector.MetricFamilySamples(name, toSimpleclient(type), help, samples));
            name = null;
        }
    }

    private static Collector.Type toSimpleclient(final MetricType type)
    {
        switch (type)
        {
            case COUNTER: return Collector.Type.COUNTER;
            case GAUGE: return Collector.Type.GAUGE;
            case HISTOGRAM: return Collector.Type.HISTOGRAM;
            case SUMMARY: return Collector.Type.SUMMARY;
            case INFO: return Collector.Type.INFO;
            default: return Collector.Type.UNKNOWN;
        }
    }
}
