package io.hotpath.daemon.tail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.testkit.TestQueueWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AGENT_STATS pause readings of a real queue: the tailer tells its listener how long the agent's JVM was held back
 * between two records (the largest of the drain's lateness, the safepoint time (GC pauses without it) and the most
 * starved thread's wait for a CPU), and
 * nothing across a record without the readings (an older agent's).
 */
class AgentPauseTest
{
    private static final long MS = 1_000_000L;

    @TempDir
    Path spool;

    @Test
    void theGrowthOfTheReadingsBetweenTwoRecordsIsHeardAsThePause() throws Exception
    {
        final long now = System.currentTimeMillis();
        final long t = now * MS;
        final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), now);
        final List<String> heard = new ArrayList<>();
        try (TestQueueWriter writer = TestQueueWriter.create(spool, "svc", now))
        {
            writer.writeAgentStats(t, 10, 0, 0, 0, 0, 0);
            writer.writeAgentStats(t + 1000 * MS, 20, 0, 10 * MS, 5 * MS, 6 * MS, 20 * MS);       // quiet: a thread waited 20 ms
            writer.writeAgentStats(t + 2000 * MS, 30, 0, 410 * MS, 5 * MS, 6 * MS, 30 * MS);      // the drain woke 400 ms late
            writer.writeAgentStats(t + 3000 * MS, 40, 0, 410 * MS, 305 * MS, 306 * MS, 40 * MS);  // a 300 ms collection
            writer.writeAgentStats(t + 4000 * MS, 50, 0, 420 * MS, 405 * MS, -1, -1);             // no safepoint time: GC
            writer.writeAgentStats(t + 5000 * MS, 60, 0);                                         // an older agent's record
            writer.writeAgentStats(t + 6000 * MS, 70, 0, 500 * MS, 405 * MS, -1, -1);             // nothing to compare with
            writer.writeAgentStats(t + 7000 * MS, 80, 0, 700 * MS, 405 * MS, -1, 900 * MS);
            writer.writeAgentStats(t + 8000 * MS, 90, 0, 700 * MS, 405 * MS, -1, 1500 * MS);      // a thread starved 600 ms

            final QueueCheckpoint state = new QueueCheckpoint();
            state.queue = writer.directory().getFileName().toString();
            final QueueTailer tailer = new QueueTailer(writer.directory(), state, aggregator, new IngestCounters());
            tailer.pauseListener((service, from, to, paused) ->
                heard.add(service + " " + (from - t) / MS + ".." + (to - t) / MS + " " + paused / MS));
            tailer.open();
            tailer.poll(100, now);
            assertEquals(List.of(
                "svc 0..1000 20",
                "svc 1000..2000 400",
                "svc 2000..3000 300",
                "svc 3000..4000 100",
                "svc 6000..7000 200",
                "svc 7000..8000 600"), heard);
            final QueueTailer.AgentStatsSnapshot last = tailer.agentStats();
            assertEquals(700 * MS, last.drainLateNanos());
            assertEquals(405 * MS, last.gcPauseNanos());
            assertEquals(-1, last.safepointNanos());
            assertEquals(1500 * MS, last.runQueueWaitNanos());
            tailer.close();
        }
    }
}
