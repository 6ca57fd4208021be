package io.hotpath.daemon.state;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.aggregate.Series;
import io.hotpath.daemon.aggregate.SeriesKey;
import io.hotpath.daemon.tail.IngestCounters;
import io.hotpath.daemon.tail.SpoolTailers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.Arrays;

/** An idle daemon's checkpoint is not rewritten: two captures differ only in their stamp until something is counted. */
class CheckpointContentTest
{
    private static final long T0 = 1_800_000_000_000L;

    @TempDir
    Path temp;

    @Test
    void capturesOfAnUnchangedStateAreTheSameAndACountedSampleMakesThemDiffer() throws Exception
    {
        final Aggregator aggregator = new Aggregator(new AggregationSettings(AggregationSettings.DEFAULT_BUCKETS_NANOS, 1, new double[0]), T0);
        final IngestCounters counters = new IngestCounters();
        final SpoolTailers spool = new SpoolTailers(temp.resolve("spool"), aggregator, counters, null);
        final CheckpointStore store = new CheckpointStore(temp.resolve("state"));
        final Series series = aggregator.registry().resolve(new SeriesKey("svc", "m", "custom", Map.of("x", "1")));
        aggregator.record(series, T0 * 1_000_000L, 1_000L, false, 0, 3, false, 0, 0, 0);

        final byte[] first = store.serialize(Checkpoints.capture(T0, aggregator, spool, counters));
        final byte[] later = store.serialize(Checkpoints.capture(T0 + 987_654_321L, aggregator, spool, counters));
        assertFalse(Arrays.equals(first, later), "the stamps differ");
        assertTrue(CheckpointContent.sameExceptStamp(first, later), new String(first, StandardCharsets.UTF_8));

        aggregator.record(series, T0 * 1_000_000L, 1_000L, false, 0, 3, false, 0, 0, 0);
        final byte[] counted = store.serialize(Checkpoints.capture(T0 + 2_000, aggregator, spool, counters));
        assertFalse(CheckpointContent.sameExceptStamp(later, counted));
        assertFalse(CheckpointContent.sameExceptStamp(null, counted), "nothing written yet");
    }

    @Test
    void withoutTheStampWhereExpectedOnlyEqualBytesAreTheSame()
    {
        final byte[] a = "{\"formatVersion\":1,\"other\":5}".getBytes(StandardCharsets.US_ASCII);
        final byte[] b = "{\"formatVersion\":1,\"other\":6}".getBytes(StandardCharsets.US_ASCII);
        assertTrue(CheckpointContent.sameExceptStamp(a, a.clone()));
        assertFalse(CheckpointContent.sameExceptStamp(a, b));
        final byte[] c = "{\"writtenAtEpochMillis\":12,\"x\":[1]}".getBytes(StandardCharsets.US_ASCII);
        final byte[] d = "{\"writtenAtEpochMillis\":123456,\"x\":[1]}".getBytes(StandardCharsets.US_ASCII);
        final byte[] e = "{\"writtenAtEpochMillis\":123456,\"x\":[2]}".getBytes(StandardCharsets.US_ASCII);
        assertTrue(CheckpointContent.sameExceptStamp(c, d));
        assertFalse(CheckpointContent.sameExceptStamp(d, e));
    }
}
