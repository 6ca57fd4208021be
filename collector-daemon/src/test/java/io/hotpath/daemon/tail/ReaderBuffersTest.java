package io.hotpath.daemon.tail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.MetricKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resident memory per queue is bounded: the buffers a queue's reader holds (its file window and document
 * copy) grow for a large document and go back to their small size once small documents follow, rather
 * than staying large for the rest of the cycle file (an hour) in every queue that ever saw one.
 */
class ReaderBuffersTest
{
    private static final int LARGE_BATCH = 20_000; // 40 bytes a sample: an 800 KB document
    private static final int SMALL_BATCHES = 600;
    private static final int SMALL_BATCH = 100;

    @TempDir
    Path spool;

    @Test
    void buffersGrownForALargeDocumentShrinkBackWhenSmallOnesFollow() throws Exception
    {
        final Path directory;
        try (TestQueueWriter writer = TestQueueWriter.create(spool, "buffers", System.currentTimeMillis()))
        {
            writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "quic");
            batch(writer, LARGE_BATCH);
            for (int i = 0; i < SMALL_BATCHES; i++)
            {
                batch(writer, SMALL_BATCH);
            }
            directory = writer.directory();
        }
        final Path file;
        try (Stream<Path> files = Files.list(directory))
        {
            final List<Path> cycles = files.filter(f -> f.getFileName().toString().endsWith(".cq4")).toList();
            assertEquals(1, cycles.size(), cycles.toString());
            file = cycles.get(0);
        }
        final int small = FileWindow.READ_AHEAD + 16 * 1024;
        long samples = 0;
        int largest = 0;
        try (CycleFileReader reader = new CycleFileReader(file, 0))
        {
            assertTrue(reader.bufferBytes() <= small, "at the start: " + reader.bufferBytes());
            while (reader.next(true) == CycleFileReader.Step.DOCUMENT)
            {
                samples += RecordScan.samplesIn(reader.document(), 0, reader.documentLength());
                largest = Math.max(largest, reader.bufferBytes());
            }
            assertEquals(LARGE_BATCH + (long)SMALL_BATCHES * SMALL_BATCH, samples, "every sample read");
            assertTrue(largest >= LARGE_BATCH * 40, "grown for the large document: " + largest);
            assertTrue(reader.bufferBytes() <= small, "after the small documents: " + reader.bufferBytes() + " bytes (largest " +
                largest + ")");
        }
    }

    private static void batch(final TestQueueWriter writer, final int n)
    {
        final int[] ids = new int[n];
        Arrays.fill(ids, 1);
        final long[] ends = new long[n];
        Arrays.fill(ends, System.currentTimeMillis() * 1_000_000L);
        final long[] durations = new long[n];
        Arrays.fill(durations, 1_000);
        writer.writeBatch(ids, ends, durations, null, 10);
    }
}
