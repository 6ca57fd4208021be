package io.hotpath.daemon.expose;

import io.hotpath.daemon.aggregate.NativeCounts;

/**
 * Where {@link MetricFamilySource}s write metric families: one call to {@link #family}, then its
 * samples. The same calls render Prometheus text 0.0.4, OpenMetrics 1.0 (exemplars included) and
 * the simpleclient samples the Pushgateway client pushes, so a new family is written once.
 *
 * <p>Sample methods take the family's name plus a suffix ({@code _total}, {@code _bucket}, …), a
 * pre-rendered {@link Labels} set and up to two extra label pairs (null names mean none), to keep
 * the per-sample path free of allocation.
 */
public interface MetricWriter
{
    /**
     * Starts a family. For counters pass the name without {@code _total} (OpenMetrics' family name);
     * samples then use the suffix {@code _total}.
     */
    void family(String name, MetricType type, String help);

    void sample(String suffix, Labels labels, String name1, String value1, String name2, String value2, long value);

    void sample(String suffix, Labels labels, String name1, String value1, String name2, String value2, double value);

    /** A duration in nanoseconds written in seconds, exactly (decimal, no floating-point rounding). */
    void sampleNanosAsSeconds(String suffix, Labels labels, String name1, String value1, String name2, String value2, long nanos);

    /**
     * Attaches an exemplar to the sample just written (OpenMetrics only; other formats ignore it).
     *
     * @param valueNanos the exemplar's duration, written in seconds.
     */
    void exemplar(String traceId, String spanId, long valueNanos, long epochMillis);

    /** Whether {@link #exemplar} has any effect, so sources can skip formatting trace ids. */
    default boolean wantsExemplars()
    {
        return false;
    }

    /** Whether {@link #nativeHistogram} has any effect (the protobuf exposition), so sources can skip it. */
    default boolean wantsNativeHistograms()
    {
        return false;
    }

    /**
     * Adds native-histogram buckets to the histogram whose classic samples were just written
     * (call after its {@code _count}); {@code counts} null means an empty native histogram. Its
     * count and sum then replace the classic ones (they count the same samples).
     */
    default void nativeHistogram(final int schema, final NativeCounts counts)
    {
    }
}
