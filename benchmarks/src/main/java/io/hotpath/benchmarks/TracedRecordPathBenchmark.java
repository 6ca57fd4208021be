package io.hotpath.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.hotpath.agent.AgentMain;
import io.hotpath.agent.InProcessAgent;
import io.hotpath.agent.bootstrap.HotpathBridge;
import io.hotpath.agent.bootstrap.TraceContextReader;
import io.hotpath.agent.trace.TraceReaders;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The record path as the advice runs it (two {@code nanoTime} reads, then {@code HotpathBridge.record}),
 * by what OpenTelemetry there is in the JVM:
 *
 * <ul>
 *   <li>{@code absent}: no span-context reader installed (no OpenTelemetry at all): the baseline, the
 *       same code as {@code RecordPathBenchmark.hotpathAdviceRecord} plus one volatile read and branch;</li>
 *   <li>{@code outsideSpan}: the reader over the application's OpenTelemetry API is installed, no span
 *       is current ({@code Span.current()} is the invalid span);</li>
 *   <li>{@code insideSpan}: a real SDK span is current on the benchmark thread: the sample is traced
 *       (span context read once, hex ids parsed into three longs, a traced ring record).</li>
 * </ul>
 *
 * Run with {@code -prof gc}: {@code gc.alloc.rate.norm} must be 0 B/op in all three.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TracedRecordPathBenchmark extends ChronicleBenchmark
{
    @Param({"absent", "outsideSpan", "insideSpan"})
    public String trace;

    private AgentMain.Running agent;
    private Path spool;
    private SdkTracerProvider tracerProvider;
    private int series;

    /**
     * Per benchmark thread: the span current on it (only with {@code insideSpan}), and what this
     * thread alone allocated per record over the trial. {@code -prof gc} counts every thread of the
     * JVM (the drain thread, JMH's own), so its small non-zero B/op on a busy machine cannot tell the
     * record path from the rest; this line can (the ring's written plus dropped samples count the
     * calls exactly).
     */
    @State(Scope.Thread)
    public static class CurrentSpan
    {
        private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

        private Span span;
        private io.opentelemetry.context.Scope scope;
        private TracedRecordPathBenchmark benchmark;
        private long threadId;
        private long allocatedBefore;
        private long callsBefore;

        @Setup(Level.Trial)
        @SuppressWarnings("MustBeClosedChecker") // closed in the matching @TearDown
        public void enter(final TracedRecordPathBenchmark benchmark)
        {
            this.benchmark = benchmark;
            if ("insideSpan".equals(benchmark.trace))
            {
                span = benchmark.tracerProvider.get("jmh").spanBuilder("benchmark").startSpan();
                scope = span.makeCurrent();
                if (!Span.current().getSpanContext().isValid())
                {
                    throw new IllegalStateException("no valid span current");
                }
            }
            threadId = Thread.currentThread().getId();
            callsBefore = benchmark.calls();
            allocatedBefore = THREADS.getThreadAllocatedBytes(threadId);
        }

        @TearDown(Level.Trial)
        public void leave()
        {
            final long allocated = THREADS.getThreadAllocatedBytes(threadId) - allocatedBefore;
            final long calls = benchmark.calls() - callsBefore;
            System.out.printf("%n[%s] benchmark thread allocated %d B over %d records: %.6f B/op%n",
                benchmark.trace, allocated, calls, calls == 0 ? 0.0 : (double)allocated / calls);
            if (scope != null)
            {
                scope.close();
                span.end();
            }
        }
    }

    @Setup
    public void setUp() throws Exception
    {
        tracerProvider = SdkTracerProvider.builder().build();
        spool = Files.createTempDirectory("hotpath-bench");
        agent = InProcessAgent.start(Map.of("spool.dir", spool.toString(), "service.name", "jmh-traced"),
            "rules:\n  - { type: A, method: a, metric: bench_call, kind: transport }\n");
        series = agent.recorder().seriesRegistry().staticSeries(0);
        awaitSpoolOpen();
        if (!"absent".equals(trace))
        {
            final TraceContextReader reader = TraceReaders.forApiIn(TracedRecordPathBenchmark.class.getClassLoader());
            if (reader == null)
            {
                throw new IllegalStateException("no span-context reader for the OpenTelemetry API on the class path");
            }
            agent.recorder().traceContextReader(reader);
        }
    }

    /**
     * The drain thread opens Chronicle on the first sample (hundreds of milliseconds of class loading
     * and allocation, seconds on a busy machine). Done here, before warm-up: otherwise the measurement
     * times mostly the ring-full drop path, and {@code -prof gc} (which counts every thread) charges
     * the opening's allocation to the record path.
     */
    private void awaitSpoolOpen() throws InterruptedException
    {
        final long start = System.nanoTime();
        HotpathBridge.record(series, start, System.nanoTime(), 0, 0);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (agent.drainer().queueDirectory() == null)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("the spool did not open within 60 s");
            }
            Thread.sleep(10);
        }
    }

    /** Records the benchmark made so far: written into the ring plus dropped (ring full). */
    long calls()
    {
        return agent.recorder().recorded() + agent.recorder().dropped();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        System.out.println("\n[" + trace + "] recorded " + agent.recorder().recorded() + ", dropped " + agent.recorder().dropped());
        agent.close();
        tracerProvider.close();
        try (Stream<Path> files = Files.walk(spool))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Exactly what the inlined advice runs for a rule with a static series. */
    @Benchmark
    public void adviceRecord(final CurrentSpan current)
    {
        final long start = System.nanoTime();
        HotpathBridge.record(series, start, System.nanoTime(), 256, 0);
    }
}
