package io.hotpath.daemon.testkit;

import io.hotpath.wire.AgentStatsEncoder;
import io.hotpath.wire.ErrorTypeDefinitionEncoder;
import io.hotpath.wire.MetricKind;
import io.hotpath.wire.QueueHeaderEncoder;
import io.hotpath.wire.SampleBatchEncoder;
import io.hotpath.wire.SampleDescriptor;
import io.hotpath.wire.SampleEncoder;
import io.hotpath.wire.SeriesDefinitionEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Test-only stand-in for the agent's spool writer: a real Chronicle Queue in the layout SPOOL.md
 * describes, written with the wire-protocol encoders (header first, definitions before samples,
 * SAMPLE_BATCH documents, {@code hotpath.closed} on close). Also writes arbitrary bytes for the
 * bad-input tests.
 */
public final class TestQueueWriter implements AutoCloseable
{
    private final Path directory;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1 << 20]);
    private final SampleBatchEncoder batch = new SampleBatchEncoder();

    /** Creates {@code spool/<service>-<pid>-<jvmStartMillis>} and, unless {@code header} is false, writes the header. */
    public TestQueueWriter(final Path spool, final String service, final long pid, final long jvmStartMillis, final boolean header)
        throws IOException
    {
        this(spool, service, pid, jvmStartMillis, header, null);
    }

    /** As above, with Chronicle's clock (e.g. a {@code SetTimeProvider}) to write into chosen cycle files; null: the real clock. */
    public TestQueueWriter(final Path spool, final String service, final long pid, final long jvmStartMillis, final boolean header,
        final net.openhft.chronicle.core.time.TimeProvider clock) throws IOException
    {
        this.directory = spool.resolve(service + "-" + pid + "-" + jvmStartMillis);
        Files.createDirectories(directory);
        final SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.binary(directory).rollCycle(RollCycles.FAST_HOURLY);
        if (clock != null)
        {
            builder.timeProvider(clock);
        }
        this.queue = builder.build();
        this.appender = queue.createAppender();
        if (header)
        {
            final int length = QueueHeaderEncoder.encode(buffer, 0, pid, jvmStartMillis, service, "test-host", "test");
            writeDocument(length);
        }
    }

    public static TestQueueWriter create(final Path spool, final String service, final long jvmStartMillis) throws IOException
    {
        return new TestQueueWriter(spool, service, ProcessHandle.current().pid(), jvmStartMillis, true);
    }

    public Path directory()
    {
        return directory;
    }

    public void defineSeries(final int id, final MetricKind kind, final String metric, final String... labels)
    {
        writeDocument(SeriesDefinitionEncoder.encode(buffer, 0, id, kind, metric, "ns", labels));
    }

    public void defineErrorType(final int id, final String name)
    {
        writeDocument(ErrorTypeDefinitionEncoder.encode(buffer, 0, id, name));
    }

    /**
     * One SAMPLE_BATCH document; {@code errorTypeIds[i] != 0} marks sample i as an error. Stamped as written at its
     * latest sample's end (on time).
     */
    public void writeBatch(final int[] seriesIds, final long[] endEpochNanos, final long[] durations, final int[] errorTypeIds,
        final long payloadBytes)
    {
        long latest = Long.MIN_VALUE + 1;
        for (final long end : endEpochNanos)
        {
            latest = Math.max(latest, end);
        }
        writeBatch(seriesIds, endEpochNanos, durations, errorTypeIds, payloadBytes, latest);
    }

    /** As above, stamped as written at {@code writtenEpochNanos} (a writer stalled past the samples' second: later). */
    public void writeBatch(final int[] seriesIds, final long[] endEpochNanos, final long[] durations, final int[] errorTypeIds,
        final long payloadBytes, final long writtenEpochNanos)
    {
        batch.wrap(buffer, 0, SampleDescriptor.UNTRACED_LENGTH, buffer.capacity());
        for (int i = 0; i < seriesIds.length; i++)
        {
            final int offset = batch.nextEntryOffset();
            final boolean error = errorTypeIds != null && errorTypeIds[i] != 0;
            SampleEncoder.encodeEntry(buffer, offset, seriesIds[i], endEpochNanos[i], durations[i], payloadBytes,
                error ? SampleDescriptor.OUTCOME_ERROR : SampleDescriptor.OUTCOME_OK, error ? errorTypeIds[i] : 0);
        }
        writeDocument(batch.finish(writtenEpochNanos));
    }

    /** One traced SAMPLE record. */
    public void writeTraced(final int seriesId, final long endEpochNanos, final long duration, final long traceHigh,
        final long traceLow, final long spanId)
    {
        final int entry = 8;
        SampleEncoder.encodeTracedEntry(buffer, entry, seriesId, endEpochNanos, duration, -1, SampleDescriptor.OUTCOME_OK, 0,
            traceHigh, traceLow, spanId);
        writeDocument(SampleEncoder.encodeRecordHeader(buffer, 0, SampleDescriptor.TRACED_LENGTH));
    }

    public void writeAgentStats(final long nowNanos, final long recorded, final long dropped)
    {
        writeDocument(AgentStatsEncoder.encode(buffer, 0, nowNanos, recorded, dropped, recorded - dropped, 1024, 65536, 1_000_000, 0, 0));
    }

    public void writeRaw(final byte[] bytes)
    {
        try (DocumentContext dc = appender.writingDocument())
        {
            dc.wire().bytes().write(bytes, 0, bytes.length);
        }
    }

    private void writeDocument(final int length)
    {
        try (DocumentContext dc = appender.writingDocument())
        {
            dc.wire().bytes().write(buffer.byteArray(), 0, length);
        }
    }

    /** Closes the queue and, when {@code markClosed}, signals a clean agent shutdown. */
    public void close(final boolean markClosed) throws IOException
    {
        appender.close();
        queue.close();
        if (markClosed)
        {
            Files.createFile(directory.resolve("hotpath.closed"));
        }
    }

    @Override
    public void close() throws IOException
    {
        close(true);
    }
}
