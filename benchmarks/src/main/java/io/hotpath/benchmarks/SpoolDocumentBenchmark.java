package io.hotpath.benchmarks;

import io.hotpath.wire.SampleBatchDescriptor;
import io.hotpath.wire.SampleBatchEncoder;
import io.hotpath.wire.SampleDescriptor;
import io.hotpath.wire.SampleEncoder;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The drain thread's write cost per sample: one Chronicle document per sample (a SAMPLE record
 * each) against SAMPLE_BATCH documents of {@code batch} samples. 4096 samples per invocation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SpoolDocumentBenchmark extends ChronicleBenchmark
{
    private static final int SAMPLES = 4096;

    @Param({"1", "64", "4096"})
    int batch;

    private Path directory;
    private ChronicleQueue queue;
    private ExcerptAppender appender;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SampleBatchDescriptor.recordLength(SAMPLES, SampleDescriptor.UNTRACED_LENGTH)]);
    private final SampleBatchEncoder encoder = new SampleBatchEncoder();

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        directory = Files.createTempDirectory("hotpath-spool-bench");
        queue = SingleChronicleQueueBuilder.binary(directory).rollCycle(RollCycles.FAST_HOURLY).build();
        appender = queue.createAppender();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        queue.close();
        try (Stream<Path> files = Files.walk(directory))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public void writeSamples()
    {
        final long now = System.nanoTime();
        if (batch == 1)
        {
            for (int i = 0; i < SAMPLES; i++)
            {
                final int length = SampleEncoder.encode(buffer, 0, 7, now + i, 1000, 256, SampleDescriptor.OUTCOME_OK, 0);
                write(length);
            }
            return;
        }
        for (int written = 0; written < SAMPLES; written += batch)
        {
            encoder.wrap(buffer, 0, SampleDescriptor.UNTRACED_LENGTH, buffer.capacity());
            for (int i = 0; i < batch; i++)
            {
                SampleEncoder.encodeEntry(buffer, encoder.nextEntryOffset(), 7, now + i, 1000, 256, SampleDescriptor.OUTCOME_OK, 0);
            }
            write(encoder.finish(now + batch));
        }
    }

    private void write(final int length)
    {
        try (DocumentContext dc = appender.writingDocument())
        {
            dc.wire().bytes().write(buffer.byteArray(), 0, length);
        }
    }
}
