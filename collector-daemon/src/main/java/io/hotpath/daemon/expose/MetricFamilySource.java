package io.hotpath.daemon.expose;

import io.hotpath.daemon.aggregate.AggregateSnapshot;

/**
 * A producer of metric families for {@code /metrics} and the Pushgateway. Sources are called on the
 * aggregation thread right after each 1-second rotation (after the interval listeners), so they may
 * read state that listeners keep on that thread without locks; the output is rendered once per
 * rotation and served as bytes. Register with {@link MetricsRenderer#addSource}.
 *
 * <p>Must be quick and must not throw; a failing source is logged and skipped for that rotation.
 */
@FunctionalInterface
public interface MetricFamilySource
{
    void writeTo(MetricWriter writer, AggregateSnapshot snapshot);
}
