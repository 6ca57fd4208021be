package io.hotpath.daemon.detect;

import java.nio.charset.StandardCharsets;

import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.expose.AnomalyMetricFamilies;
import io.hotpath.daemon.expose.ExpositionSettings;
import io.hotpath.daemon.expose.MetricsRenderer;

/** The anomaly families as {@code /metrics} renders them in production ({@link AnomalyMetricFamilies}), as text. */
public final class AnomalyExposition
{
    private AnomalyExposition()
    {
    }

    /** Every monitor's families ({@code expose-scores: all}), Prometheus text. */
    public static String text(final AnomalyEngine engine)
    {
        final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), 0);
        try (MetricsRenderer renderer = new MetricsRenderer(ExpositionSettings.defaults()))
        {
            renderer.addSource(new AnomalyMetricFamilies(engine, true));
            aggregator.rotate(1000);
            renderer.render(aggregator.latest(), 1000);
            return new String(renderer.latest().prometheusText(), StandardCharsets.UTF_8);
        }
    }
}
