package io.hotpath.benchmarks.daemon;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The JMH settings of the {@code /metrics} benchmarks ({@link MetricsRenderBenchmark}, {@link
 * MetricsScrapeBenchmark}): milliseconds per rendering or scrape, a 2 GiB heap for 10 000 series, two
 * forks (as the commands in RESULTS.md run them). Subclasses inherit them (JMH's annotations are
 * {@code @Inherited}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = { "-Xmx2g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED" })
public abstract class RenderingBenchmark
{
}
