package io.hotpath.daemon.tail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.MetricKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.RandomAccessFile;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Damaged spool files over real Chronicle Queue files (written by the test writer in the agent's
 * layout, AGENT_STATS included): truncation, garbage at the head of a cycle file, in its middle at
 * 240 seeded offsets, in {@code metadata.cq4t}, a cycle file that cannot be opened. The tailer never
 * throws, reads on past the damage, counts nothing twice, and every sample is counted, counted as
 * lost, or visible as unexplained against the agent's own count.
 */
class SpoolFaultsTest
{
    private static final int BATCHES = 200;
    private static final int PER_BATCH = 10;
    private static final int TOTAL = BATCHES * PER_BATCH;

    @TempDir
    Path temp;

    private final long now = System.currentTimeMillis();

    /** A finished queue: header, a definition, 200 batches of 10 samples, AGENT_STATS every 20 batches and at the end. */
    private Path writeQueue(final Path spool, final String service) throws IOException
    {
        final TestQueueWriter writer = TestQueueWriter.create(spool, service, now);
        writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "quic");
        final int[] ids = new int[PER_BATCH];
        final long[] ends = new long[PER_BATCH];
        final long[] durations = new long[PER_BATCH];
        Arrays.fill(ids, 1);
        Arrays.fill(ends, now * 1_000_000L);
        Arrays.fill(durations, 1_000_000L);
        for (int b = 1; b <= BATCHES; b++)
        {
            writer.writeBatch(ids, ends, durations, null, 10);
            if (b % 20 == 0)
            {
                writer.writeAgentStats(now * 1_000_000L, (long)b * PER_BATCH, 0); // drained = recorded - dropped
            }
        }
        writer.close(true);
        return writer.directory();
    }

    /** What a tailer made of a queue, read to its end. */
    private record Outcome(QueueTailer tailer, QueueCheckpoint state, long counted, long lost, long millis)
    {
    }

    private Outcome readToTheEnd(final Path directory)
    {
        final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), now);
        final QueueCheckpoint state = new QueueCheckpoint();
        state.queue = directory.getFileName().toString();
        final QueueTailer tailer = new QueueTailer(directory, state, aggregator, new IngestCounters());
        final long started = System.nanoTime();
        tailer.open();
        tailer.checkForDeletedCycles();
        for (int pass = 0; pass < 1000 && !state.finished && tailer.isActive(); pass++)
        {
            tailer.poll(256, System.currentTimeMillis());
            tailer.finishIfDone();
        }
        final long millis = (System.nanoTime() - started) / 1_000_000;
        aggregator.rotate(aggregator.nextRotationEpochMillis());
        final long calls = aggregator.latest().series().stream().mapToLong(s -> s.callsTotal()).sum();
        assertEquals(state.samplesCounted, calls, "the per-queue count is what the aggregator counted");
        tailer.close();
        return new Outcome(tailer, state, state.samplesCounted, state.samplesLost, millis);
    }

    private static Path cycleFile(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.filter(f -> f.getFileName().toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    private static void overwrite(final Path file, final long offset, final byte[] bytes) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(bytes), offset);
        }
    }

    private static byte[] random(final SplittableRandom random, final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)random.nextInt(256);
        }
        return bytes;
    }

    @Test
    void aLiveQueueIsFollowedAsItsWriterAppends() throws Exception
    {
        // Reads at the live end must see what the writer appended since (no stale read-ahead).
        final TestQueueWriter writer = TestQueueWriter.create(temp, "live", now);
        writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "quic");
        final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), now);
        final QueueCheckpoint state = new QueueCheckpoint();
        state.queue = writer.directory().getFileName().toString();
        final QueueTailer tailer = new QueueTailer(writer.directory(), state, aggregator, new IngestCounters());
        final int[] ids = new int[PER_BATCH];
        final long[] ends = new long[PER_BATCH];
        final long[] durations = new long[PER_BATCH];
        Arrays.fill(ids, 1);
        Arrays.fill(ends, now * 1_000_000L);
        Arrays.fill(durations, 1_000_000L);
        for (int round = 1; round <= 30; round++)
        {
            for (int b = 0; b < round; b++)
            {
                writer.writeBatch(ids, ends, durations, null, 10);
            }
            Thread.sleep(6); // past the reader's 5 ms pause at the live end
            for (int pass = 0; pass < 5; pass++)
            {
                tailer.poll(256, now);
            }
            assertEquals((long)round * (round + 1) / 2 * PER_BATCH, state.samplesCounted, "round " + round);
        }
        writer.writeAgentStats(now * 1_000_000L, 465 * PER_BATCH, 0);
        writer.close(true);
        for (int scan = 0; scan < 3 && !state.finished; scan++)
        {
            tailer.finishIfDone(); // the daemon's spool scan, once a second
        }
        assertTrue(state.finished);
        assertEquals(465 * PER_BATCH, state.samplesCounted);
        assertEquals(0, state.statsSamplesWritten - state.statsSamplesCounted - state.statsSamplesLost);
    }

    @Test
    void anIntactQueueIsReadWhole() throws Exception
    {
        final Outcome outcome = readToTheEnd(writeQueue(temp, "intact"));
        assertTrue(outcome.state.finished);
        assertEquals(TOTAL, outcome.counted);
        assertEquals(0, outcome.lost);
        assertEquals(0, outcome.state.bytesSkipped);
        assertEquals(TOTAL, outcome.state.statsSamplesWritten);
        assertEquals(TOTAL, outcome.state.statsSamplesCounted);
    }

    @Test
    void theFirst8KiBOverwrittenLosesNothing() throws Exception
    {
        // Chronicle keeps its file header and index in the first 64 KiB; data starts after them.
        final Path queue = writeQueue(temp, "head");
        overwrite(cycleFile(queue), 0, random(new SplittableRandom(8), 8192));
        final Outcome outcome = readToTheEnd(queue);
        assertTrue(outcome.state.finished, "read to its end");
        assertEquals(TOTAL, outcome.counted);
        assertTrue(outcome.state.bytesSkipped > 0, "the damaged head is counted as skipped");
        assertEquals(0, outcome.state.statsSamplesWritten - outcome.state.statsSamplesCounted - outcome.state.statsSamplesLost);
    }

    @Test
    void garbageInMetadataIsNotReadAndCostsNoTime() throws Exception
    {
        final Path queue = writeQueue(temp, "meta");
        overwrite(queue.resolve("metadata.cq4t"), 0, random(new SplittableRandom(3), (int)Files.size(queue.resolve("metadata.cq4t"))));
        final Outcome outcome = readToTheEnd(queue);
        assertEquals(TOTAL, outcome.counted);
        // Chronicle's tailer stalled 5-10 s here (waiting for the table store lock); well under a second now.
        assertTrue(outcome.millis < 1000, outcome.millis + " ms");
    }

    @Test
    void aTruncatedFinishedQueueCountsWhatIsLeftAndNamesTheCutDocument() throws Exception
    {
        final Path queue = writeQueue(temp, "cut");
        final Path file = cycleFile(queue);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.truncate(100_000); // inside the data: about a third is left
        }
        final Outcome outcome = readToTheEnd(queue);
        assertTrue(outcome.state.finished);
        assertTrue(outcome.tailer.isActive() || outcome.state.finished);
        assertTrue(outcome.counted > 0 && outcome.counted < TOTAL, "counted " + outcome.counted);
        assertTrue(outcome.lost <= PER_BATCH, "at most the batch cut in two: " + outcome.lost);
        assertTrue(outcome.state.bytesSkipped > 0 || outcome.lost == 0);
        // Truncated to nothing, to a few bytes: nothing to read, no failure.
        for (final long size : new long[] { 0, 1000, 65_536 })
        {
            final Path other = writeQueue(temp.resolve("cut" + size), "cut");
            try (FileChannel channel = FileChannel.open(cycleFile(other), StandardOpenOption.WRITE))
            {
                channel.truncate(size);
            }
            final Outcome empty = readToTheEnd(other);
            assertTrue(empty.tailer.problem() == null, "not quarantined: " + empty.tailer.problem());
            assertEquals(0, empty.counted);
        }
    }

    /**
     * Random garbage (1 byte to 4 KiB) at 240 seeded offsets of the data of a copy of one real
     * queue: no exception escapes, the tailer reads to the end, nothing is counted twice, only
     * samples of documents the garbage touched go missing, and what goes missing is either counted
     * as lost or shows as unexplained against the agent's own AGENT_STATS.
     */
    @Test
    void seededGarbageAt240OffsetsIsSteppedOverAndAccountedFor() throws Exception
    {
        final Path original = writeQueue(temp.resolve("original"), "garbage");
        final Path originalFile = cycleFile(original);
        final List<long[]> documents = documentExtents(originalFile); // {start, end, samples}
        // After the QUEUE_HEADER and the series definition (garbage there refuses the queue or its series: visible too).
        final long dataStart = documents.get(2)[0];
        final long dataEnd = documents.get(documents.size() - 1)[1];
        final SplittableRandom random = new SplittableRandom(12);
        // 240 damaged queues log 240 times over what one does once: keep the build output readable.
        final Logger tailLog = Logger.getLogger("io.hotpath.daemon.tail");
        final Level level = tailLog.getLevel();
        tailLog.setLevel(Level.SEVERE);
        long totalCounted = 0;
        long totalLost = 0;
        long totalUnexplained = 0;
        long totalSkippedBytes = 0;
        long maxMillis = 0;
        for (int run = 0; run < 240; run++)
        {
            final Path copy = temp.resolve("copy-" + run).resolve(original.getFileName());
            Files.createDirectories(copy);
            try (Stream<Path> files = Files.list(original))
            {
                for (final Path file : files.toList())
                {
                    copySparse(file, copy.resolve(file.getFileName()), dataEnd + 65_536);
                }
            }
            final long offset = dataStart + random.nextLong(dataEnd - dataStart);
            final int length = run % 4 == 0 ? 1 + random.nextInt(8) : 1 + random.nextInt(4096);
            overwrite(cycleFile(copy), offset, random(random, length));
            long touched = 0;
            boolean statsTouched = false;
            for (final long[] document : documents)
            {
                if (document[0] < offset + length && offset < document[1])
                {
                    touched += document[2];
                    statsTouched |= document[2] == 0;
                }
            }
            final Outcome outcome = readToTheEnd(copy);
            final String what = "run " + run + ": " + length + " bytes at " + offset + " touching " + touched + " samples; counted " +
                outcome.counted + ", lost " + outcome.lost + ", skipped " + outcome.state.bytesSkipped;
            assertTrue(outcome.state.finished, what);
            assertFalse(outcome.tailer.problem() != null, what + ": " + outcome.tailer.problem());
            assertTrue(outcome.counted >= TOTAL - touched, what + ": only touched documents may go missing");
            assertTrue(outcome.counted + outcome.lost <= TOTAL, what + ": nothing counted twice");
            final long unexplained = outcome.state.statsSamplesWritten - outcome.state.statsSamplesCounted - outcome.state.statsSamplesLost;
            // Without checksums, an AGENT_STATS record whose numbers were overwritten cannot be told from a true one.
            assertTrue(statsTouched || (unexplained >= 0 && unexplained <= touched), what + ": unexplained " + unexplained);
            if (!statsTouched)
            {
                // Between two AGENT_STATS records the agent's count names what the damage took: nothing unexplained.
                assertEquals(TOTAL, outcome.counted + outcome.lost, what);
                assertEquals(0, unexplained, what);
            }
            totalCounted += outcome.counted;
            totalLost += outcome.lost;
            totalUnexplained += unexplained;
            totalSkippedBytes += outcome.state.bytesSkipped;
            maxMillis = Math.max(maxMillis, outcome.millis);
            deleteTree(copy.getParent());
        }
        tailLog.setLevel(level);
        System.out.println("seeded garbage, 240 runs of " + TOTAL + " samples: counted " + totalCounted + ", counted as lost " +
            totalLost + ", unexplained at the last AGENT_STATS " + totalUnexplained + ", bytes skipped " + totalSkippedBytes +
            ", slowest run " + maxMillis + " ms");
    }

    @Test
    void aCycleFileThatCannotBeOpenedQuarantinesTheQueueUntilItsFilesChange() throws Exception
    {
        final Path queue = writeQueue(temp, "stuck");
        final Path file = cycleFile(queue);
        final Path aside = temp.resolve("aside.cq4");
        Files.move(file, aside);
        Files.createDirectory(file); // opening it fails with an I/O error, as a file the daemon may not read does
        final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), now);
        final QueueCheckpoint state = new QueueCheckpoint();
        state.queue = queue.getFileName().toString();
        final IngestCounters counters = new IngestCounters();
        final QueueTailer tailer = new QueueTailer(queue, state, aggregator, counters);
        tailer.open();
        assertEquals(0, tailer.poll(256, now));
        assertEquals("quarantined", tailer.stateName());
        assertEquals(Quarantine.IO_ERROR, tailer.problem());
        assertEquals(1L, counters.faultsByReason().get(Quarantine.IO_ERROR));
        // Unchanged files: not retried, however often asked.
        tailer.retryIfDue(now + 10_000);
        assertEquals("quarantined", tailer.stateName());
        // Fixed: retried once the back-off passed, and read whole.
        Files.delete(file);
        Files.move(aside, file);
        tailer.retryIfDue(System.currentTimeMillis() + 120_000);
        assertEquals("tailing", tailer.stateName());
        int documents = 0;
        for (int pass = 0; pass < 20; pass++)
        {
            documents += tailer.poll(256, now);
        }
        assertEquals(2 + BATCHES + BATCHES / 20, documents);
        assertEquals(TOTAL, state.samplesCounted);
        assertEquals(1L, counters.faultsByReason().get(Quarantine.IO_ERROR), "counted once");
        tailer.close();
    }

    /** Each data document of a cycle file: {start of its header, end of its body, samples in it}. */
    private static List<long[]> documentExtents(final Path file) throws IOException
    {
        final List<long[]> documents = new ArrayList<>();
        try (CycleFileReader reader = new CycleFileReader(file, 0))
        {
            while (reader.next(true) == CycleFileReader.Step.DOCUMENT)
            {
                final long samples = RecordScan.samplesIn(reader.document(), 0, reader.documentLength());
                documents.add(new long[] { reader.documentPosition(), reader.documentPosition() + 4 + reader.documentLength(), samples });
            }
        }
        return documents;
    }

    /** Copies a file whose content ends before {@code written} (Chronicle's cycle files are sparse: mapped chunks past the content) as a sparse file. */
    private static void copySparse(final Path from, final Path to, final long written) throws IOException
    {
        final long size = Files.size(from);
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
            RandomAccessFile out = new RandomAccessFile(to.toFile(), "rw"))
        {
            in.transferTo(0, Math.min(size, written), out.getChannel());
            out.setLength(size);
        }
    }

    private static void deleteTree(final Path root) throws IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(path);
            }
        }
    }
}
