package io.hotpath.daemon.tail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolRetentionTest
{
    private static final long DAY = 86_400_000L;

    @TempDir
    Path spool;

    private final long now = System.currentTimeMillis();
    private final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), now);

    private QueueTailer queue(final String name, final boolean finished, final long ageMillis, final int bytes) throws Exception
    {
        final Path dir = Files.createDirectories(spool.resolve(name));
        final Path file = Files.write(dir.resolve("20260101-00F.cq4"), new byte[bytes]);
        Files.setLastModifiedTime(file, FileTime.fromMillis(now - ageMillis));
        final QueueCheckpoint state = new QueueCheckpoint();
        state.queue = name;
        state.finished = finished;
        return new QueueTailer(dir, state, aggregator, new IngestCounters());
    }

    @Test
    void deletesOnlyFinishedQueuesPastTheAgeCapOrOldestFirstOverTheSizeCap() throws Exception
    {
        final QueueTailer oldFinished = queue("a-1-1700000000000", true, 8 * DAY, 100);
        final QueueTailer oldLive = queue("b-2-1700000000000", false, 30 * DAY, 100);
        final QueueTailer recentFinished1 = queue("c-3-1700000000000", true, DAY, 400);
        final QueueTailer recentFinished2 = queue("d-4-1700000000000", true, 2 * DAY, 400);
        final SpoolRetention retention = new SpoolRetention(7 * DAY, 700);
        final List<String> deleted = retention.apply(spool, List.of(oldFinished, oldLive, recentFinished1, recentFinished2), now);
        // 1000 bytes in all: the old finished one goes for age, then the older of the two recent ones for size.
        assertEquals(List.of("a-1-1700000000000", "d-4-1700000000000"), deleted);
        assertFalse(Files.exists(oldFinished.directory()));
        assertFalse(Files.exists(recentFinished2.directory()));
        assertTrue(Files.exists(oldLive.directory()), "a queue still written is never deleted");
        assertTrue(Files.exists(recentFinished1.directory()));
    }
}
