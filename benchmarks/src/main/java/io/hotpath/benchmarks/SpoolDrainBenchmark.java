package io.hotpath.benchmarks;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.hotpath.agent.config.RuleConfigParser;
import io.hotpath.agent.config.RuleDefinition;
import io.hotpath.agent.record.ErrorTypeRegistry;
import io.hotpath.agent.record.RingRecorder;
import io.hotpath.agent.record.SeriesRegistry;
import io.hotpath.agent.spool.SpoolDrainer;
import io.hotpath.agent.spool.SpoolSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ring → queue: samples per second the agent's real drain thread ({@link SpoolDrainer}: ring read,
 * nanoTime → epoch conversion, series definitions before first use, SAMPLE_BATCH encoding,
 * Chronicle Queue append) moves from the ring into a Chronicle Queue on disk, with at most
 * {@code batch} samples per document ({@code hotpath.batch.maxSamples}; 1 = one document per sample,
 * 4096 = the agent's default).
 *
 * <p>One invocation: the benchmark thread records {@value #SAMPLES} samples over 8 series into the
 * ring (large enough for all of them: nothing is dropped) while the drain thread, started once per
 * trial with the production settings (FAST_HOURLY cycles, 1 ms idle park, 1 s stats), spools them;
 * the invocation ends when the drain thread has written the last one. The drain is the slower
 * side, so the time is the drain's. Per-document cost alone, without the ring: {@code SpoolDocumentBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SpoolDrainBenchmark extends ChronicleBenchmark
{
    static final int SAMPLES = 1 << 20;
    private static final int SERIES = 8;

    /** The drainer's count of samples written, read without changing the agent (benchmark only). */
    private static final VarHandle DRAINED;

    static
    {
        try
        {
            DRAINED = MethodHandles.privateLookupIn(SpoolDrainer.class, MethodHandles.lookup())
                .findVarHandle(SpoolDrainer.class, "drained", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Param({ "1", "64", "4096" })
    public int batch;

    private Path spool;
    private RingRecorder recorder;
    private SpoolDrainer drainer;
    private final int[] series = new int[SERIES];
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private long target;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        final StringBuilder yaml = new StringBuilder("rules:\n");
        for (int i = 0; i < SERIES; i++)
        {
            yaml.append("  - { type: bench.Drain, method: m").append(i).append(", metric: bench_drain_").append(i)
                .append(", kind: transport }\n");
        }
        final List<RuleDefinition> rules = RuleConfigParser.parse("drain benchmark rules", yaml.toString());
        final SeriesRegistry registry = new SeriesRegistry(rules);
        for (int i = 0; i < SERIES; i++)
        {
            series[i] = registry.staticSeries(i);
        }
        // twice the samples of one invocation: the ring never fills
        recorder = new RingRecorder(2 * SAMPLES * 64, 1, registry, new ErrorTypeRegistry());
        spool = Files.createTempDirectory("hotpath-drain-bench");
        final SpoolSettings settings = new SpoolSettings(spool, "jmh-drain", "FAST_HOURLY", 1L << 40, batch,
            TimeUnit.SECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1), 0L);
        drainer = new SpoolDrainer(recorder, settings, failure::set);
        drainer.start();
        produceAndAwait(1);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        drainer.shutdown(10_000);
        Directories.deleteTree(spool);
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public void drainToQueue()
    {
        produceAndAwait(SAMPLES);
    }

    private void produceAndAwait(final int samples)
    {
        final RingRecorder recorder = this.recorder;
        for (int i = 0; i < samples; i++)
        {
            final long end = System.nanoTime();
            recorder.record(series[i & (SERIES - 1)], end - 1000 - (i & 1023), end, 256, 0);
        }
        target += samples;
        while ((long)DRAINED.getVolatile(drainer) < target)
        {
            final Throwable failed = failure.get();
            if (failed != null)
            {
                throw new IllegalStateException("the drain thread failed", failed);
            }
            if (recorder.dropped() > 0)
            {
                throw new IllegalStateException("the ring dropped " + recorder.dropped() + " samples");
            }
            LockSupport.parkNanos(20_000L);
        }
    }
}
