package io.hotpath.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.aggregate.Series;
import io.hotpath.daemon.aggregate.SeriesKey;
import io.hotpath.daemon.tail.IngestCounters;
import io.hotpath.daemon.tail.SpoolTailers;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hotpath_late_samples_total} is exposed as of the last checkpoint on disk: a replay after kill -9 can count
 * fewer late samples than the killed process did, so what was shown must never be ahead of what a restart restores.
 */
class LateSamplesAsOfCheckpointTest
{
    private static final long T0_MILLIS = 1_800_000_000_000L;
    private static final SeriesKey KEY = new SeriesKey("demo", "transport_send", "transport", Map.of("transport", "quic"));

    @TempDir
    Path temp;

    @Test
    void aLateSampleIsExposedOnceACheckpointHoldsItAndARestartShowsNoLess() throws Exception
    {
        final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), T0_MILLIS + 500);
        final IngestCounters counters = new IngestCounters();
        final SpoolTailers spool = new SpoolTailers(temp.resolve("spool"), aggregator, counters, null);
        final CheckpointWriter checkpoints = new CheckpointWriter(temp.resolve("state"), aggregator, spool, counters, null);
        checkpoints.prepare();
        final Series series = aggregator.registry().resolve(KEY);
        final long firstSecond = T0_MILLIS / 1000;
        aggregator.rotate((firstSecond + 1) * 1000);
        // two hours old: no in-memory window holds its second any more, so it is late
        aggregator.record(series, (firstSecond - 7200) * 1000 * 1_000_000L, 5_000_000, false, 0, -1, false, 0, 0, 0);
        aggregator.rotate((firstSecond + 2) * 1000);
        assertEquals(1, series.lateSamples(), "counted");
        assertEquals(0, aggregator.latest().series().get(0).lateSamples(), "not exposed before a checkpoint holds it");

        checkpoints.capture((firstSecond + 2) * 1000);
        checkpoints.close(); // waits for the write
        aggregator.rotate((firstSecond + 3) * 1000);
        assertEquals(1, aggregator.latest().series().get(0).lateSamples(), "exposed once on disk");
        assertEquals(1, aggregator.latest().series().get(0).callsTotal(), "calls are exposed at once, as before");

        final Aggregator restarted = new Aggregator(AggregationSettings.defaults(), (firstSecond + 3) * 1000 + 500);
        final IngestCounters restartedCounters = new IngestCounters();
        final CheckpointWriter restored = new CheckpointWriter(temp.resolve("state"), restarted,
            new SpoolTailers(temp.resolve("spool"), restarted, restartedCounters, null), restartedCounters, null);
        restored.restore(temp.resolve("state"));
        restarted.rotate((firstSecond + 4) * 1000);
        assertEquals(1, restarted.latest().series().get(0).lateSamples(), "a restart shows what was exposed, no less");
        restored.close();
    }

    @Test
    void withoutCheckpointsLateSamplesAreExposedAtOnce()
    {
        final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), T0_MILLIS + 500);
        final Series series = aggregator.registry().resolve(KEY);
        final long firstSecond = T0_MILLIS / 1000;
        aggregator.rotate((firstSecond + 1) * 1000);
        aggregator.record(series, (firstSecond - 7200) * 1000 * 1_000_000L, 5_000_000, false, 0, -1, false, 0, 0, 0);
        aggregator.rotate((firstSecond + 2) * 1000);
        assertEquals(1, aggregator.latest().series().get(0).lateSamples());
    }
}
