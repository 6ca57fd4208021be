package io.hotpath.daemon.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.aggregate.Series;
import io.hotpath.daemon.aggregate.SeriesKey;
import io.hotpath.daemon.aggregate.SeriesSnapshot;
import io.hotpath.daemon.tail.IngestCounters;
import io.hotpath.daemon.tail.QueueCheckpoint;
import io.hotpath.daemon.tail.SpoolTailers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.List;

class CheckpointRoundTripTest
{
    private static final long T0 = 1_800_000_000_000L;

    @TempDir
    Path temp;

    @Test
    void countersPositionsAndDefinitionsSurviveAWriteAndARestore() throws Exception
    {
        final Aggregator before = new Aggregator(new AggregationSettings(AggregationSettings.DEFAULT_BUCKETS_NANOS, 1, new double[0]), T0);
        final IngestCounters counters = new IngestCounters();
        final SpoolTailers spool = new SpoolTailers(temp.resolve("spool"), before, counters, null);
        final Series a = before.registry().resolve(new SeriesKey("svc", "m", "custom", Map.of("x", "1")));
        final Series overflow = before.registry().resolve(new SeriesKey("svc", "m", "custom", Map.of("x", "2")));
        final int io = before.errorTypes().intern("IOException");
        for (int i = 0; i < 1000; i++)
        {
            before.record(i % 2 == 0 ? a : overflow, T0 * 1_000_000L, 1_000L * i, i % 7 == 0, i % 7 == 0 ? io : 0, 3, false, 0, 0, 0);
        }
        counters.reject("truncated");
        counters.reject("truncated");
        final QueueCheckpoint queue = new QueueCheckpoint();
        queue.queue = "svc-1-1700000000000";
        queue.lastIndex = 0x79c2900000042L;
        queue.headerSeen = true;
        queue.service = "svc";
        queue.seriesIds.put(5, a.key().key());
        queue.errorTypeIds.put(3, "IOException");
        spool.restore(List.of(queue), k -> k.equals(a.key().key()) ? a.key() : null);

        final CheckpointStore store = new CheckpointStore(temp.resolve("state"));
        store.prepare();
        Files.writeString(temp.resolve("state").resolve(CheckpointStore.FILE_NAME + ".tmp"), "garbage from a crash mid-write");
        store.write(Checkpoints.capture(T0, before, spool, counters));
        assertFalse(Files.exists(temp.resolve("state").resolve(CheckpointStore.FILE_NAME + ".tmp")));

        final Aggregator after = new Aggregator(new AggregationSettings(AggregationSettings.DEFAULT_BUCKETS_NANOS, 1, new double[0]), T0);
        final IngestCounters restoredCounters = new IngestCounters();
        final SpoolTailers restoredSpool = new SpoolTailers(temp.resolve("spool"), after, restoredCounters, null);
        Checkpoints.restore(new CheckpointStore(temp.resolve("state")).read().orElseThrow(), after, restoredSpool, restoredCounters);

        before.rotate(T0 + 1000);
        after.rotate(T0 + 1000);
        assertEquals(2, after.registry().size());
        for (int i = 0; i < 2; i++)
        {
            final SeriesSnapshot was = before.latest().series().get(i);
            final SeriesSnapshot is = after.latest().series().get(i);
            assertEquals(was.key(), is.key());
            assertEquals(was.okCalls(), is.okCalls());
            assertEquals(was.callsTotal(), is.callsTotal());
            assertEquals(was.errorCallsByType()[io], is.errorCallsByType()[after.errorTypes().intern("IOException")]);
            assertEquals(was.payloadBytesTotal(), is.payloadBytesTotal());
            assertArrayEquals(was.bucketCounts(), is.bucketCounts());
            assertEquals(was.sumNanosTotal(), is.sumNanosTotal());
        }
        assertEquals(2L, restoredCounters.rejected("truncated"));
        assertEquals(1L, after.registry().overflowByMetric().get("m"));
        final QueueCheckpoint restoredQueue = restoredSpool.states().get(0);
        assertEquals(0x79c2900000042L, restoredQueue.lastIndex);
        assertEquals(Map.of(5, a.key().key()), restoredQueue.seriesIds);
        assertTrue(restoredQueue.headerSeen);
        // The overflow series is restored as such: a new label set still folds into it, not a new series.
        assertEquals("other", after.registry().resolve(new SeriesKey("svc", "m", "custom", Map.of("x", "3"))).key().ownLabels().get("x"));
        assertEquals(2, after.registry().size());
    }
}
