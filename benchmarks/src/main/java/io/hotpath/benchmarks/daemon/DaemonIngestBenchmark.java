package io.hotpath.benchmarks.daemon;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * hotpathd's decode + aggregate throughput on one thread, in samples per second, for 1, 100 and
 * 10 000 series: SAMPLE_BATCH documents of 256 samples (log-normal durations, median 1 ms, 2 %
 * errors, series drawn at random) decoded by {@code RecordDecoder} and recorded by
 * {@code QueueTailer} / {@code Aggregator} exactly as the daemon does after reading a document from
 * Chronicle.
 * {@code withRotation} simulates whole seconds: 1 M samples stamped with the current second, then
 * the rotation of all series (sort, windows, quantiles, snapshot), so rotation cost is amortised
 * in. Target: ≥ 5 M samples/s.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar DaemonIngest} (or {@code benchmarks/run.sh}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = { "-Xmx1g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED" })
public class DaemonIngestBenchmark
{
    private static final int SAMPLES_PER_BATCH = 256;
    private static final int BATCHES_PER_SECOND = 4096;

    /** Documents fed into one open second (no rotation in the measurement). */
    @State(Scope.Thread)
    public static class OpenSecond
    {
        @Param({ "1", "100", "10000" })
        public int series;

        DaemonWorkload workload;
        int next;

        @Setup(Level.Trial)
        public void setUp()
        {
            workload = new DaemonWorkload(series, 64, SAMPLES_PER_BATCH, 1_800_000_000_000L);
        }
    }

    /** Whole simulated seconds, each followed by the rotation of every series. */
    @State(Scope.Thread)
    public static class WholeSeconds
    {
        @Param({ "1", "100", "10000" })
        public int series;

        DaemonWorkload workload;
        long simulatedMillis;

        @Setup(Level.Trial)
        public void setUp()
        {
            simulatedMillis = 1_800_000_000_000L;
            workload = new DaemonWorkload(series, 64, SAMPLES_PER_BATCH, simulatedMillis);
        }

        /** Before each simulated second (not measured): the batches get that second's timestamps, as live data would. */
        @Setup(Level.Invocation)
        public void nextSecond()
        {
            workload.stampBatches(simulatedMillis * 1_000_000L + 500_000_000L);
        }
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLES_PER_BATCH)
    public void decodeAndAggregate(final OpenSecond state)
    {
        final int b = state.next++ & 63;
        state.workload.tailer.ingestDocument(state.workload.batches[b], state.workload.batchLengths[b]);
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLES_PER_BATCH * BATCHES_PER_SECOND)
    public void decodeAndAggregateWithRotation(final WholeSeconds state)
    {
        final DaemonWorkload workload = state.workload;
        for (int i = 0; i < BATCHES_PER_SECOND; i++)
        {
            final int b = i & 63;
            workload.tailer.ingestDocument(workload.batches[b], workload.batchLengths[b]);
        }
        state.simulatedMillis += 1000;
        workload.aggregator.rotate(state.simulatedMillis);
    }
}
