package io.hotpath.daemon.expose;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.rules.MetricFamilyWriter;
import io.hotpath.daemon.slo.SloEngine;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The {@code hotpath_slo_*} families of METRICS.md: the {@link SloEngine} writes them through its
 * {@link MetricFamilyWriter}, adapted here to the daemon's {@link MetricWriter} (so they appear in
 * Prometheus text, OpenMetrics and pushes). A handful of samples per SLO: the adapter renders each
 * of the engine's label maps once (they are built once per SLO and reused) and keeps them by identity.
 */
public final class SloMetricFamilies implements MetricFamilySource
{
    private final SloEngine engine;
    private final Adapter adapter = new Adapter();

    public SloMetricFamilies(final SloEngine engine)
    {
        this.engine = engine;
    }

    @Override
    public void writeTo(final MetricWriter writer, final AggregateSnapshot snapshot)
    {
        adapter.target = writer;
        try
        {
            engine.writeMetrics(adapter);
        }
        finally
        {
            adapter.target = null;
        }
    }

    /** {@link MetricFamilyWriter} over a {@link MetricWriter}: counters lose {@code _total} in the family name only. */
    private static final class Adapter implements MetricFamilyWriter
    {
        private final Map<Map<String, String>, Labels> rendered = new IdentityHashMap<>();
        MetricWriter target;
        private boolean counter;

        @Override
        public void family(final String name, final Type type, final String help)
        {
            counter = type == Type.COUNTER;
            target.family(counter ? AnomalyMetricFamilies.counterFamily(name) : name,
                counter ? MetricType.COUNTER : MetricType.GAUGE, help);
        }

        @Override
        public void sample(final String name, final Map<String, String> labels, final double value)
        {
            Labels set = rendered.get(labels);
            if (set == null)
            {
                if (rendered.size() > 10_000)
                {
                    rendered.clear();
                }
                set = Labels.of(labels);
                rendered.put(labels, set);
            }
            final String suffix = counter ? "_total" : "";
            if (value == Math.rint(value) && Math.abs(value) < 0x1p53)
            {
                target.sample(suffix, set, null, null, null, null, (long)value);
            }
            else
            {
                target.sample(suffix, set, null, null, null, null, value);
            }
        }
    }
}
