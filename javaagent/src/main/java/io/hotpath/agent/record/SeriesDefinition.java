package io.hotpath.agent.record;

import io.hotpath.wire.MetricKind;

/**
 * One series: a rule's metric with one set of label values. Immutable; published to the drain
 * thread through {@link SeriesRegistry#definition(int)} before any sample refers to its id.
 *
 * @param labels alternating keys and values, sorted by key.
 */
public record SeriesDefinition(int id, String metric, MetricKind kind, String[] labels)
{
    public static final String UNIT = "nanoseconds";
}
