package io.hotpath.daemon.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.tail.IngestCounters;
import io.hotpath.daemon.tail.SpoolTailers;
import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.MetricKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Counters are served only from the first rotation after every queue present at the start was read to its end. */
class RestartCatchUpTest
{
    @TempDir
    Path spool;

    private final long now = System.currentTimeMillis();
    private final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), now);

    @Test
    void servesOnlyAfterEveryQueueReachedItsEndAndARotationFollowed() throws Exception
    {
        try (TestQueueWriter a = TestQueueWriter.create(spool, "a", now);
             TestQueueWriter b = TestQueueWriter.create(spool, "b", now + 1);
             SpoolTailers tailers = new SpoolTailers(spool, aggregator, new IngestCounters(), null))
        {
            for (final TestQueueWriter writer : List.of(a, b))
            {
                writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "quic");
                for (int batch = 0; batch < 40; batch++)
                {
                    writer.writeBatch(new int[] { 1, 1 }, new long[] { now * 1_000_000L, now * 1_000_000L },
                        new long[] { 1_000, 2_000 }, new int[] { 0, 0 }, 10);
                }
            }
            final RestartCatchUp catchUp = new RestartCatchUp(now);
            catchUp.update(tailers.tailers(), false);
            assertFalse(catchUp.beforeRotation(now), "not before the first spool scan");

            tailers.scan(now);
            catchUp.update(tailers.tailers(), true);
            assertEquals(2, catchUp.pendingQueues().size(), "both queues pending: " + catchUp.pendingQueues());
            // A few documents of each: neither has reached its end.
            tailers.pollAll(5, now);
            catchUp.update(tailers.tailers(), true);
            assertFalse(catchUp.beforeRotation(now + 1_000));
            assertFalse(catchUp.serving());

            while (tailers.pollAll(5, now) > 0)
            {
                catchUp.update(tailers.tailers(), true);
            }
            catchUp.update(tailers.tailers(), true);
            assertEquals(List.of(), catchUp.pendingQueues());
            assertTrue(catchUp.beforeRotation(now + 2_000), "everything read: this rotation holds it all");
            assertFalse(catchUp.serving(), "served only once that rotation is rendered");
            catchUp.startServing(now + 2_000);
            assertTrue(catchUp.serving());

            // More data later does not stop serving.
            a.writeBatch(new int[] { 1 }, new long[] { now * 1_000_000L }, new long[] { 1_000 }, new int[] { 0 }, 10);
            tailers.pollAll(1, now);
            catchUp.update(tailers.tailers(), true);
            assertTrue(catchUp.beforeRotation(now + 3_000) && catchUp.serving());
        }
    }

    @Test
    void anEmptySpoolIsServedAtTheFirstRotationAfterTheScan()
    {
        final SpoolTailers tailers = new SpoolTailers(spool, aggregator, new IngestCounters(), null);
        final RestartCatchUp catchUp = new RestartCatchUp(now);
        tailers.scan(now);
        catchUp.update(tailers.tailers(), true);
        assertTrue(catchUp.beforeRotation(now + 1_000));
    }

    @Test
    void aBacklogNotReadWithinTheLimitIsServedAnyway() throws Exception
    {
        try (TestQueueWriter a = TestQueueWriter.create(spool, "a", now);
             SpoolTailers tailers = new SpoolTailers(spool, aggregator, new IngestCounters(), null))
        {
            a.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "quic");
            final RestartCatchUp catchUp = new RestartCatchUp(now);
            tailers.scan(now);
            catchUp.update(tailers.tailers(), true);
            assertFalse(catchUp.beforeRotation(now + 1_000), "nothing polled yet");
            assertTrue(catchUp.beforeRotation(now + RestartCatchUp.MAX_WAIT_MILLIS));
        }
    }
}
