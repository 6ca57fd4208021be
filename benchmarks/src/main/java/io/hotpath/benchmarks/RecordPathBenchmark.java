package io.hotpath.benchmarks;

import io.hotpath.agent.AgentMain;
import io.hotpath.agent.InProcessAgent;
import io.hotpath.agent.bootstrap.HotpathBridge;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The record path as inlined advice runs it: two {@code System.nanoTime()} reads around the
 * (empty) call and {@link HotpathBridge#record}, with the real ring recorder and drain thread
 * spooling to a temporary Chronicle Queue. {@link #nanoTimePair} is the floor.
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
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED"})
public class RecordPathBenchmark
{
    private AgentMain.Running agent;
    private Path spool;
    private int series;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        spool = Files.createTempDirectory("hotpath-bench");
        agent = InProcessAgent.start(Map.of("spool.dir", spool.toString(), "service.name", "jmh"),
            "rules:\n  - { type: A, method: a, metric: bench_call, kind: transport }\n");
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

    @Benchmark
    public long nanoTimePair()
    {
        final long start = System.nanoTime();
        return System.nanoTime() - start;
    }

    @Benchmark
    public void adviceRecordPath()
    {
        final long start = System.nanoTime();
        HotpathBridge.record(series, start, System.nanoTime(), 256, 0);
    }
}
