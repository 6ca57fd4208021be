package io.hotpath.benchmarks;

import java.util.concurrent.TimeUnit;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Histogram;
import io.prometheus.client.Summary;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost an instrumented call pays to be measured, as the instrumentation runs it: two
 * {@code System.nanoTime()} reads around the (empty) call, then the record. Every alternative is
 * timed the same way, so the ratios are of like for like. Run with {@code -t 1}, {@code -t 2},
 * {@code -t 4} and {@code -prof gc} (see {@code benchmarks/run.sh}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class RecordPathBenchmark
{
    /** The label a typical transport rule takes from an argument (an enum), cycled per call. */
    public enum Transport
    {
        BITCHAT, BETANET, QUIC
    }

    /** Per-thread call site state: which transport the next call uses. */
    @State(Scope.Thread)
    public static class CallSite
    {
        private static final Transport[] TRANSPORTS = Transport.values();
        private int next;

        Transport nextTransport()
        {
            final int i = next;
            next = i == TRANSPORTS.length - 1 ? 0 : i + 1;
            return TRANSPORTS[i];
        }
    }

    private Histogram histogram;
    private Histogram labelledHistogram;
    private Summary summary;
    private Recorder hdrRecorder;

    @Setup
    public void setUp()
    {
        final CollectorRegistry registry = new CollectorRegistry();
        histogram = Histogram.build("bench_histogram_seconds", "latency").register(registry);
        labelledHistogram = Histogram.build("bench_labelled_histogram_seconds", "latency")
            .labelNames("transport").register(registry);
        summary = Summary.build("bench_summary_seconds", "latency")
            .quantile(0.5, 0.05).quantile(0.95, 0.01).quantile(0.99, 0.001).register(registry);
        hdrRecorder = new Recorder(3_600_000_000_000L, 3);
    }

    /** The floor: what any in-process timing costs here. */
    @Benchmark
    public long nanoTimePair()
    {
        final long start = System.nanoTime();
        return System.nanoTime() - start;
    }

    @Benchmark
    public void simpleclientHistogramObserve()
    {
        final long start = System.nanoTime();
        histogram.observe((System.nanoTime() - start) / 1e9);
    }

    /** What instrumentation code writes when the series depends on an argument. */
    @Benchmark
    public void simpleclientLabelledHistogramObserve(final CallSite site)
    {
        final Transport transport = site.nextTransport();
        final long start = System.nanoTime();
        labelledHistogram.labels(transport.name()).observe((System.nanoTime() - start) / 1e9);
    }

    @Benchmark
    public void simpleclientSummaryObserve()
    {
        final long start = System.nanoTime();
        summary.observe((System.nanoTime() - start) / 1e9);
    }

    @Benchmark
    public void hdrHistogramRecorderRecordValue()
    {
        final long start = System.nanoTime();
        hdrRecorder.recordValue(System.nanoTime() - start);
    }
}
