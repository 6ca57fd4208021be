package io.hotpath.benchmarks.daemon;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.expose.MetricsRenderer;
import io.hotpath.daemon.expose.SeriesMetricFamilies;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rendering {@code /metrics} for 1 000 and 10 000 series: both formats (Prometheus text 0.0.4 and
 * OpenMetrics), as the aggregation thread does once per rotation; a scrape then only wraps the
 * rendered bytes. Every series has samples, so every family (calls, bytes, duration buckets,
 * quantiles per window) is written for it. The auxiliary counters {@code prometheusTextBytes} and
 * {@code openMetricsBytes} give the size of one rendering (per iteration; every iteration renders the
 * same snapshot). Target: < 50 ms for 10 000 series.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = { "-Xmx2g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED" })
public class MetricsRenderBenchmark
{
    @Param({ "1000", "10000" })
    int series;

    private MetricsRenderer renderer;
    private AggregateSnapshot snapshot;

    /** Size of the last rendering. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class RenderedBytes
    {
        public long prometheusTextBytes;
        public long openMetricsBytes;
    }

    @Setup(Level.Trial)
    public void setUp()
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
        snapshot = workload.aggregator.latest();
        renderer = new MetricsRenderer();
        renderer.addSource(new SeriesMetricFamilies(AggregationSettings.DEFAULT_BUCKETS_NANOS));
    }

    @Benchmark
    public int renderBothFormats(final RenderedBytes bytes)
    {
        renderer.render(snapshot, 1_800_000_001_000L);
        final MetricsRenderer.RenderedMetrics rendered = renderer.latest();
        bytes.prometheusTextBytes = rendered.prometheusText().length;
        bytes.openMetricsBytes = rendered.openMetricsText().length;
        return rendered.prometheusText().length;
    }
}
