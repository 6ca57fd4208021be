package io.hotpath.benchmarks;

import java.io.File;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import io.hotpath.wire.SampleBatchEncoder;
import io.hotpath.wire.SampleDescriptor;
import io.hotpath.wire.SampleEncoder;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Does the SAMPLE_BATCH record pay? Writes {@value #SAMPLES} samples into a real Chronicle Queue
 * either as one SAMPLE record per document or as SAMPLE_BATCH records of {@code batchSize} samples
 * per document. Throughput is reported per sample.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED", "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true"})
public class SpoolDocumentBenchmark
{
    static final int SAMPLES = 1024;

    /** Samples per document; 1 = one SAMPLE record per document. */
    @Param({"1", "64", "1024"})
    public int batchSize;

    private File dir;
    private SingleChronicleQueue queue;
    private ExcerptAppender appender;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[1 << 17]);
    private final SampleBatchEncoder batch = new SampleBatchEncoder();
    private long clock = 1_764_000_000_000_000_000L;

    @Setup(Level.Trial)
    public void open() throws Exception
    {
        dir = Files.createTempDirectory("hotpath-spool-bench").toFile();
        queue = SingleChronicleQueueBuilder.binary(dir).rollCycle(RollCycles.FAST_HOURLY).build();
        appender = queue.createAppender();
    }

    @TearDown(Level.Trial)
    public void close()
    {
        queue.close();
        for (final File f : dir.listFiles())
        {
            f.delete();
        }
        dir.delete();
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public void writeSamples()
    {
        if (batchSize == 1)
        {
            for (int i = 0; i < SAMPLES; i++)
            {
                final int length = SampleEncoder.encode(scratch, 0, i & 63, clock++, 1500 + i, 512, SampleDescriptor.OUTCOME_OK, 0);
                write(length);
            }
            return;
        }
        for (int done = 0; done < SAMPLES; done += batchSize)
        {
            batch.wrap(scratch, 0, SampleDescriptor.UNTRACED_LENGTH, scratch.capacity());
            for (int i = 0; i < batchSize; i++)
            {
                SampleEncoder.encodeEntry(scratch, batch.nextEntryOffset(), i & 63, clock++, 1500 + i, 512, SampleDescriptor.OUTCOME_OK, 0);
            }
            write(batch.finish());
        }
    }

    private void write(final int length)
    {
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.write(scratch.byteArray(), 0, length);
        }
    }
}
