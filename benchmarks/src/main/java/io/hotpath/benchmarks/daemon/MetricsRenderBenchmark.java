package io.hotpath.benchmarks.daemon;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.expose.MetricsRenderer;
import io.hotpath.daemon.expose.SeriesMetricFamilies;
import java.util.concurrent.TimeUnit;
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
 * Rendering {@code /metrics} for many series: both formats (Prometheus text 0.0.4 and OpenMetrics),
 * as the aggregation thread does once per rotation. A scrape then only wraps the rendered bytes.
 * Target: < 50 ms for 10 000 series.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xmx2g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED" })
public class MetricsRenderBenchmark
{
    @Param({ "10000" })
    int series;

    private MetricsRenderer renderer;
    private AggregateSnapshot snapshot;
    private int bytes;

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
    public int renderBothFormats()
    {
        renderer.render(snapshot, 1_800_000_001_000L);
        bytes = renderer.latest().prometheusText().length;
        return bytes;
    }
}
