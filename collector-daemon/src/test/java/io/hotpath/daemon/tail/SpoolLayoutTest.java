package io.hotpath.daemon.tail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.QueueHeaderEncoder;
import io.hotpath.wire.SpoolLayoutDescriptor;
import java.nio.file.Path;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon reads the spool as wire-protocol's SpoolLayoutDescriptor lays it out, and refuses queues in another roll cycle. */
class SpoolLayoutTest
{
    @TempDir
    Path spool;

    private final long now = System.currentTimeMillis();
    private final IngestCounters counters = new IngestCounters();

    @Test
    void theDescriptorsRollCycleIsChroniclesFastHourly()
    {
        final RollCycles chronicle = RollCycles.valueOf(SpoolLayoutDescriptor.ROLL_CYCLE);
        assertEquals(RollCycles.FAST_HOURLY, chronicle);
        assertEquals(SpoolLayoutDescriptor.CYCLE_FILE_FORMAT, chronicle.format());
        assertEquals(SpoolLayoutDescriptor.ROLL_CYCLE_MILLIS, chronicle.lengthInMillis());
        assertEquals(SpoolLayoutDescriptor.CYCLE_FILE_SUFFIX, SingleChronicleQueue.SUFFIX);
        final CycleFiles files = new CycleFiles(chronicle);
        assertEquals("20261123-11F.cq4", files.name(498_731));
        assertEquals(498_731, files.cycle("20261123-11F.cq4"));
        assertEquals(SpoolLayoutDescriptor.CLOSED_MARKER, QueueTailer.CLOSED_MARKER);
    }

    @Test
    void aRealQueueInTheLayoutsRollCycleIsRead() throws Exception
    {
        try (TestQueueWriter writer = TestQueueWriter.create(spool, "svc", now))
        {
            final QueueTailer tailer = tailer(writer.directory());
            tailer.checkForDeletedCycles();
            assertEquals(1, tailer.poll(10, now));
            assertTrue(tailer.isActive());
            assertEquals(0L, counters.rejectedByReason().getOrDefault(IngestCounters.ROLL_CYCLE, 0L));
        }
    }

    /** What an older agent with hotpath.spool.rollCycle=FAST_DAILY wrote: refused with a reason, not read as empty. */
    @Test
    void aRealQueueInAnotherRollCycleIsRefusedWithAReason() throws Exception
    {
        final Path directory = spool.resolve(SpoolLayoutDescriptor.queueName("daily", ProcessHandle.current().pid(), now));
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory).rollCycle(RollCycles.FAST_DAILY).build())
        {
            final ExcerptAppender appender = queue.createAppender();
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
            final int length = QueueHeaderEncoder.encode(buffer, 0, ProcessHandle.current().pid(), now, "daily", "host", "old");
            try (DocumentContext dc = appender.writingDocument())
            {
                dc.wire().bytes().write(buffer.byteArray(), 0, length);
            }
        }
        final QueueTailer tailer = tailer(directory);
        tailer.checkForDeletedCycles();
        assertEquals(0, tailer.poll(10, now));
        assertFalse(tailer.isActive());
        assertEquals(IngestCounters.ROLL_CYCLE, tailer.problem());
        assertEquals(1L, counters.rejectedByReason().get(IngestCounters.ROLL_CYCLE));
    }

    private QueueTailer tailer(final Path directory)
    {
        final QueueCheckpoint state = new QueueCheckpoint();
        state.queue = directory.getFileName().toString();
        final QueueTailer tailer = new QueueTailer(directory, state, new Aggregator(AggregationSettings.defaults(), now), counters);
        tailer.open();
        return tailer;
    }
}
