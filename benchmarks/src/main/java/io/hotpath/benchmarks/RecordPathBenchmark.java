package io.hotpath.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.hotpath.agent.AgentMain;
import io.hotpath.agent.InProcessAgent;
import io.hotpath.agent.bootstrap.HotpathBridge;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Histogram;
import io.prometheus.client.Summary;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
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
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true"})
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

    private AgentMain.Running agent;
    private Path spool;
    private int series;
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
        try
        {
            spool = Files.createTempDirectory("hotpath-bench");
            agent = InProcessAgent.start(Map.of("spool.dir", spool.toString(), "service.name", "jmh"),
                "rules:\n  - { type: A, method: a, metric: bench_call, kind: transport }\n");
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
        series = agent.recorder().seriesRegistry().staticSeries(0);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        System.out.println("\nrecorded " + agent.recorder().recorded() + ", dropped " + agent.recorder().dropped());
        agent.close();
        try (Stream<Path> files = Files.walk(spool))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** hotpath: exactly what the inlined advice runs for a rule with a static series. */
    @Benchmark
    public void hotpathAdviceRecord()
    {
        final long start = System.nanoTime();
        HotpathBridge.record(series, start, System.nanoTime(), 256, 0);
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
