package io.hotpath.benchmarks;

import java.util.concurrent.TimeUnit;

import io.hotpath.agent.config.RuleConfigParser;
import io.hotpath.agent.record.SeriesRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a call of a rule with a label from an argument pays to find its series, below the label's
 * cap and above it: {@link SeriesRegistry#resolve}, the call {@code TimingAdvice.enter} makes
 * (through the bridge) for such a rule. One registry whose label (and rule) cap is {@code cap}, already
 * holding {@code cap} values: {@code underCap} walks those known values, {@code overCap} as many other
 * strings, each of which folds into {@code other} (the same number of distinct strings, so both walks
 * touch as much memory). The goal: over-cap within 10 ns of under-cap, at every cap (it used to scan
 * every known value: ~670 ns at 64, 16-30 µs at 4096). Run at {@code -t 1} and {@code -t 2}
 * ({@code -prof gc} shows that neither allocates).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class LabelCapBenchmark
{
    private static final int VALUES = 8192;

    /** The label's {@code max_values} and the rule's {@code max_series} (4096 is the largest allowed). */
    @Param({"64", "4096"})
    public int cap;

    private SeriesRegistry registry;
    private final String[] values = new String[VALUES];

    @Setup
    public void setUp() throws Exception
    {
        registry = registry(cap);
        for (int i = 0; i < VALUES; i++)
        {
            values[i] = "peer-" + i;
            registry.resolve(0, values[i], null, null);
        }
    }

    private static SeriesRegistry registry(final int cap) throws Exception
    {
        return new SeriesRegistry(RuleConfigParser.parse("bench.yaml", "rules:\n" +
            "  - { type: bench.Peer, method: send, metric: bench_send, max_series: " + cap +
            ", labels: { peer: { arg: 0, max_values: " + cap + " } } }\n"));
    }

    /** Per-thread position in the value walk. */
    @State(Scope.Thread)
    public static class Cursor
    {
        int next;
    }

    @Benchmark
    public int underCap(final Cursor cursor)
    {
        return registry.resolve(0, values[cursor.next++ & (cap - 1)], null, null);
    }

    @Benchmark
    public int overCap(final Cursor cursor)
    {
        return registry.resolve(0, values[cap + (cursor.next++ & (cap - 1))], null, null);
    }
}
