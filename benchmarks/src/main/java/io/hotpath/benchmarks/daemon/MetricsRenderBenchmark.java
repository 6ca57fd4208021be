package io.hotpath.benchmarks.daemon;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.expose.ExpositionSettings;
import io.hotpath.daemon.expose.MetricsRenderer;
import io.hotpath.daemon.expose.RenderedMetrics;
import io.hotpath.daemon.expose.SeriesMetricFamilies;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the aggregation thread does for {@code /metrics} once per rotation, for 1 000 and 10 000
 * series, with the default exposition ({@code exposition=default}: quantile windows 1s and 1m) and
 * with every window ({@code all-windows}: what every series carried before the defaults changed):
 * <ul>
 *   <li>{@link #renderPrometheusText}: the rendering every rotation does (nobody asked for OpenMetrics);</li>
 *   <li>{@link #renderBothFormats}: while some scraper asks for OpenMetrics;</li>
 *   <li>{@link #gzipPrometheusText}: compressing one rendering, done once per rotation in the background
 *       while clients ask for gzip (Prometheus does), never per scrape.</li>
 * </ul>
 * Every series has samples, payload sizes and some errors, so every family is written for it. The
 * auxiliary counters give the size of one rendering: {@code prometheusTextBytes}, {@code
 * openMetricsBytes}, {@code gzipBytes}. A scrape itself only wraps these bytes: {@link
 * MetricsScrapeBenchmark} times it over HTTP. Target: {@code /metrics} for 10 000 series < 50 ms.
 */
@State(Scope.Thread)
public class MetricsRenderBenchmark extends RenderingBenchmark
{
    @Param({ "1000", "10000" })
    int series;

    @Param({ "default", "all-windows" })
    String exposition;

    private MetricsRenderer prometheusOnly;
    private MetricsRenderer bothFormats;
    private AggregateSnapshot snapshot;
    private byte[] rendered;

    /** Size of one rendering (the last one of the iteration; every iteration renders the same snapshot). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class RenderedBytes
    {
        public long prometheusTextBytes;
        public long openMetricsBytes;
        public long gzipBytes;
    }

    @Setup(Level.Trial)
    public void setUp()
    {
        snapshot = snapshot(series);
        final ExpositionSettings settings = "default".equals(exposition) ? ExpositionSettings.defaults() : ExpositionSettings.everything();
        prometheusOnly = new MetricsRenderer(settings.withOnDemandIdleMillis(60_000));
        prometheusOnly.addSource(new SeriesMetricFamilies(AggregationSettings.DEFAULT_BUCKETS_NANOS, settings));
        bothFormats = new MetricsRenderer();
        bothFormats.addSource(new SeriesMetricFamilies(AggregationSettings.DEFAULT_BUCKETS_NANOS, settings));
        prometheusOnly.render(snapshot, 1_800_000_001_000L);
        rendered = prometheusOnly.latest().prometheusText();
    }

    /** A rotated aggregate of {@code series} series, each with samples in the last second. */
    static AggregateSnapshot snapshot(final int series)
    {
        final long now = 1_800_000_000_000L;
        final DaemonWorkload workload = new DaemonWorkload(series, 64, 1024, now);
        for (int round = 0; round < 4; round++)
        {
            for (int b = 0; b < 64; b++)
            {
                workload.tailer.ingestDocument(workload.batches[b], workload.batchLengths[b]);
            }
        }
        workload.aggregator.rotate(now + 1000);
        return workload.aggregator.latest();
    }

    @Benchmark
    public int renderPrometheusText(final RenderedBytes bytes)
    {
        prometheusOnly.render(snapshot, 1_800_000_001_000L);
        final RenderedMetrics rendered = prometheusOnly.latest();
        bytes.prometheusTextBytes = rendered.prometheusText().length;
        return rendered.prometheusText().length;
    }

    @Benchmark
    public int renderBothFormats(final RenderedBytes bytes)
    {
        bothFormats.render(snapshot, 1_800_000_001_000L);
        final RenderedMetrics rendered = bothFormats.latest();
        bytes.prometheusTextBytes = rendered.prometheusText().length;
        bytes.openMetricsBytes = rendered.openMetricsText().length;
        return rendered.prometheusText().length;
    }

    @Benchmark
    public int gzipPrometheusText(final RenderedBytes bytes)
    {
        final byte[] gzip = RenderedMetrics.gzip(rendered);
        bytes.gzipBytes = gzip.length;
        return gzip.length;
    }
}
