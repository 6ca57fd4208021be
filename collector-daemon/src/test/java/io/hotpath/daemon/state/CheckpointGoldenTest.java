package io.hotpath.daemon.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.daemon.tail.QueueCheckpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.TreeMap;

/**
 * The checkpoint file is an on-disk format: a daemon after an upgrade reads the checkpoint the old
 * one wrote, and a field it no longer finds (a renamed Java field) would silently default, e.g. a
 * queue position to -1, and re-read and double count the whole spool. {@code state/checkpoint-v1.json}
 * (every field set, none to its default) was written by format version 1 and is never regenerated:
 * it must load into exactly {@link #everyField()}, and what the daemon writes must have exactly its
 * field names. A change to the format needs a new version, a new golden file and a reader for this one.
 */
class CheckpointGoldenTest
{
    private static final String GOLDEN = "/state/checkpoint-v1.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    /** What checkpoint-v1.json holds: every field of every class in it, with a value that is not its default. */
    static Checkpoint everyField()
    {
        final Checkpoint checkpoint = new Checkpoint();
        checkpoint.writtenAtEpochMillis = 1_763_895_600_123L;
        checkpoint.bucketBoundsNanos = new long[] {1_000_000L, 10_000_000L, 100_000_000L};
        final SeriesCheckpoint series = new SeriesCheckpoint();
        series.key = "checkout|transport_send|transport|transport=quic";
        series.service = "checkout";
        series.metric = "transport_send";
        series.kind = "transport";
        series.labels = new TreeMap<>(Map.of("transport", "quic"));
        series.okCalls = 1_000;
        series.errorCalls = new TreeMap<>(Map.of("IOException", 7L));
        series.payloadBytes = 123_456;
        series.bucketCounts = new long[] {600, 300, 100, 7};
        series.sumNanos = 98_765_432_100L;
        series.lateSamples = 3;
        checkpoint.series.add(series);
        final QueueCheckpoint queue = new QueueCheckpoint();
        queue.queue = "checkout-4242-1763895000000";
        queue.lastIndex = 0x79c2900000042L;
        queue.resumeAtCycle = 498_731;
        queue.readOffset = 200_704;
        queue.samplesCounted = 1_007;
        queue.samplesLost = 11;
        queue.bytesSkipped = 4_096;
        queue.documentsSkipped = 2;
        queue.statsSamplesWritten = 1_010;
        queue.statsSamplesCounted = 990;
        queue.statsSamplesLost = 9;
        queue.documentsRead = 77;
        queue.recordsRead = 1_100;
        queue.headerSeen = true;
        queue.rejectedReason = "missing_header";
        queue.finished = true;
        queue.service = "checkout";
        queue.host = "web-1";
        queue.pid = 4242;
        queue.jvmStartEpochMillis = 1_763_895_000_000L;
        queue.seriesIds = new TreeMap<>(Map.of(5, series.key));
        queue.errorTypeIds = new TreeMap<>(Map.of(3, "IOException"));
        checkpoint.queues.add(queue);
        checkpoint.rejected.put("truncated", 2L);
        checkpoint.overflow.put("transport_send", 4L);
        checkpoint.parts.put("slo", new TreeMap<>(Map.of("checkout-availability", new byte[] {1, 2, 3, 4})));
        checkpoint.queueGaps = 1;
        checkpoint.spoolDamage.put("lost_samples", 11L);
        return checkpoint;
    }

    private static byte[] golden() throws IOException
    {
        try (InputStream in = CheckpointGoldenTest.class.getResourceAsStream(GOLDEN))
        {
            return in.readAllBytes();
        }
    }

    @Test
    void theVersion1FileLoadsIntoEveryFieldWithItsValue() throws Exception
    {
        assertEquals(1, Checkpoint.FORMAT_VERSION, "a new format version needs a new golden file and a reader for " + GOLDEN);
        final CheckpointStore store = new CheckpointStore(temp);
        Files.write(store.file(), golden());
        final Checkpoint loaded = store.read().orElseThrow();
        // Compared as trees: every field, nested ones too; a field the file no longer fills would be at its default here.
        assertEquals(JSON.valueToTree(everyField()), JSON.valueToTree(loaded));
    }

    @Test
    void whatTheDaemonWritesHasExactlyTheVersion1FieldNames() throws Exception
    {
        final JsonNode written = JSON.readTree(new CheckpointStore(temp).serialize(everyField()));
        final JsonNode golden = JSON.readTree(golden());
        assertEquals(golden, written, "the checkpoint's JSON is its on-disk format: renaming or adding a field changes it (see the class comment)");
    }

    @Test
    void aCheckpointWithAFieldThisDaemonDoesNotKnowIsRefusedNotHalfRead() throws Exception
    {
        final CheckpointStore store = new CheckpointStore(temp);
        final String renamed = new String(golden(), StandardCharsets.UTF_8).replace("\"lastIndex\"", "\"lastReadIndex\"");
        Files.writeString(store.file(), renamed);
        final IOException refused = assertThrows(IOException.class, store::read);
        assertTrue(refused.getMessage().contains("lastReadIndex") && refused.getMessage().contains("refusing to start rather than count"),
            refused.getMessage());
    }
}
