package io.hotpath.daemon.tail;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.MetricKind;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which services still have a live JVM, as the anomaly engine asks before each rotation (a service
 * whose JVMs all exited gets no throughput verdict): real queues written by the test writer.
 */
class SpoolLivenessTest
{
    @TempDir
    Path spool;

    @Test
    void aServiceIsGoneOnceEveryQueueOfItIsClosedAndAliveAgainWithANewQueue() throws Exception
    {
        final long now = System.currentTimeMillis();
        final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), now);
        try (SpoolTailers tailers = new SpoolTailers(spool, aggregator, new IngestCounters(), null))
        {
            final TestQueueWriter first = TestQueueWriter.create(spool, "svc", now);
            first.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "quic");
            final TestQueueWriter second = TestQueueWriter.create(spool, "svc", now + 1);
            tailers.scan(now);
            tailers.pollAll(100, now);
            tailers.refreshLiveness();
            assertFalse(tailers.serviceGone("svc"), "this JVM writes both queues");
            assertFalse(tailers.serviceGone("never-seen"), "unknown services are not gone");

            first.close(true);
            tailers.refreshLiveness();
            assertFalse(tailers.serviceGone("svc"), "one JVM of the service still lives");

            // The closed marker counts at once, before the daemon has read (or finished) the queue.
            second.close(true);
            tailers.refreshLiveness();
            assertTrue(tailers.serviceGone("svc"));
            tailers.pollAll(100, now);
            tailers.scan(now);
            tailers.refreshLiveness();
            assertTrue(tailers.serviceGone("svc"), "finished and read: still gone");

            // The service starts again: a new live queue.
            final TestQueueWriter third = TestQueueWriter.create(spool, "svc", now + 2);
            tailers.scan(now);
            tailers.pollAll(100, now);
            tailers.refreshLiveness();
            assertFalse(tailers.serviceGone("svc"), "restarted");
            third.close(true);
        }
    }
}
