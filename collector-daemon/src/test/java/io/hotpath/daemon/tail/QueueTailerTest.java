package io.hotpath.daemon.tail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.aggregate.SeriesKey;
import io.hotpath.daemon.aggregate.SeriesSnapshot;
import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.MetricKind;
import io.hotpath.wire.QueueHeaderEncoder;
import io.hotpath.wire.WireFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.ArrayList;

/** The tailer over real Chronicle Queue files written by the test writer. */
class QueueTailerTest
{
    @TempDir
    Path spool;

    private final long now = System.currentTimeMillis();
    private final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), now);
    private final IngestCounters counters = new IngestCounters();

    private QueueTailer tailer(final Path directory)
    {
        final QueueCheckpoint state = new QueueCheckpoint();
        state.queue = directory.getFileName().toString();
        final QueueTailer tailer = new QueueTailer(directory, state, aggregator, counters);
        tailer.open();
        return tailer;
    }

    private static void writeSamples(final TestQueueWriter writer, final int seriesId, final int n, final long endNanos, final int errorTypeId)
    {
        final int[] ids = new int[n];
        final long[] ends = new long[n];
        final long[] durations = new long[n];
        final int[] errors = new int[n];
        for (int i = 0; i < n; i++)
        {
            ids[i] = seriesId;
            ends[i] = endNanos;
            durations[i] = 1_000_000 + i;
            errors[i] = errorTypeId;
        }
        writer.writeBatch(ids, ends, durations, errors, 100);
    }

    private SeriesSnapshot snapshotOf(final String transport)
    {
        aggregator.rotate(aggregator.nextRotationEpochMillis());
        final SeriesKey key = new SeriesKey("svc", "transport_send", "transport", Map.of("transport", transport));
        return aggregator.latest().series().stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void countsEverySampleOfAWellFormedQueueAndResumesAfterTheCheckpointedDocument() throws Exception
    {
        final TestQueueWriter writer = TestQueueWriter.create(spool, "svc", now);
        writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "quic");
        writer.defineErrorType(3, "IOException");
        writeSamples(writer, 1, 100, now * 1_000_000, 0);
        writeSamples(writer, 1, 10, now * 1_000_000, 3);
        writer.writeTraced(1, now * 1_000_000, 42_000_000, 0xabcL, 0xdefL, 0x123L);
        writer.writeAgentStats(now * 1_000_000, 1000, 5);
        writeSamples(writer, 1, 50, now * 1_000_000, 0);

        final QueueTailer first = tailer(writer.directory());
        assertEquals(5, first.poll(5, now), "header, 2 definitions, 2 batches");
        final QueueCheckpoint state = first.state();
        assertTrue(state.headerSeen);
        assertEquals("svc", state.service);
        assertEquals(Map.of(1, "svc/transport_send{kind=\"transport\",transport=\"quic\"}"), state.seriesIds);
        final SeriesSnapshot half = snapshotOf("quic");
        assertEquals(100, half.okCalls());
        assertEquals(10, half.errorCallsByType()[aggregator.errorTypes().intern("IOException")]);
        first.close();

        // A new tailer from the same state (as after a restart) continues after the last counted document.
        final QueueTailer resumed = new QueueTailer(writer.directory(), state, aggregator, counters);
        resumed.restoreSeriesId(1, aggregator.registry().all().get(0));
        resumed.open();
        assertEquals(3, resumed.poll(100, now));
        assertEquals(0, resumed.poll(100, now));
        assertTrue(resumed.caughtUp());
        final SeriesSnapshot all = snapshotOf("quic");
        assertEquals(151, all.okCalls());
        assertEquals(161, all.callsTotal());
        assertEquals(161 * 100 + 0, all.payloadBytesTotal() + 100, "traced sample had no payload size");
        assertNotNull(resumed.agentStats());
        assertEquals(5, resumed.agentStats().samplesDropped());
        assertFalse(resumed.finishIfDone(), "agent (this JVM) alive, no marker");
        writer.close(true);
        assertTrue(resumed.finishIfDone());
        assertTrue(resumed.state().finished);
    }

    @Test
    void samplesWrittenAfterTheirSecondEndedAreCountedInTheirIntervalAsWrittenLate() throws Exception
    {
        aggregator.closeGraceMillis(200);
        final long second = Math.floorDiv(now, 1000L);
        final long endNanos = (second * 1000 + 900) * 1_000_000L;
        final TestQueueWriter writer = TestQueueWriter.create(spool, "svc", now);
        writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "quic");
        final int[] ids = {1, 1, 1};
        final long[] ends = {endNanos, endNanos, endNanos};
        final long[] durations = {1_000_000, 2_000_000, 3_000_000};
        // on time: taken 95 ms before the second ended; late: taken 60 ms after it (the JVM stalled at the boundary)
        writer.writeBatch(ids, ends, durations, new int[3], 100, endNanos + 5_000_000);
        writer.writeBatch(new int[] {1, 1}, new long[] {endNanos, endNanos}, new long[] {4_000_000, 5_000_000}, new int[2], 100,
            (second + 1) * 1_000_000_000L + 60_000_000);
        final List<long[]> closed = new ArrayList<>();
        aggregator.addIntervalListener(interval -> closed.add(new long[] {interval.count(), interval.writtenLateCount()}));

        final QueueTailer tailer = tailer(writer.directory());
        tailer.poll(100, now);
        aggregator.rotate((second + 1) * 1000 + 200);
        assertEquals(1, closed.size());
        assertEquals(5, closed.get(0)[0], "all five in their own second (the grace)");
        assertEquals(2, closed.get(0)[1], "the two written after it ended");
        aggregator.rotate((second + 2) * 1000 + 200);
        assertEquals(0, closed.get(1)[1], "the count starts again with the next interval");
        writer.close(false);
    }

    @Test
    void badRecordsAreSkippedAndCountedAndTheQueueGoesOn() throws Exception
    {
        final TestQueueWriter writer = TestQueueWriter.create(spool, "svc", now);
        writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "tcp");
        writeSamples(writer, 7, 3, now * 1_000_000, 0); // undeclared series
        writeSamples(writer, 1, 4, now * 1_000_000, 9); // undeclared error type
        writer.writeRaw(new byte[] { 100, 0, 0, 0, 5, 0, 8, 0, 1, 2 }); // claims 100 bytes, has 10
        writer.writeRaw(new byte[] { (byte)0xff, (byte)0xff, (byte)0xff, 0x7f, 5, 0, 8, 0 }); // absurd length
        writeSamples(writer, 1, 2, now * 1_000_000, 0);
        writer.close(false);

        final QueueTailer tailer = tailer(writer.directory());
        assertEquals(7, tailer.poll(100, now));
        assertTrue(tailer.isActive());
        assertEquals(3, counters.rejected(IngestCounters.UNDECLARED_SERIES));
        assertEquals(4, counters.rejected(IngestCounters.UNDECLARED_ERROR_TYPE));
        assertEquals(1, counters.rejected("truncated"));
        assertEquals(1, counters.rejected("bad_length"));
        assertEquals(2, snapshotOf("tcp").callsTotal());
    }

    @Test
    void aQueueWithoutHeaderOrOfAnotherFormatIsRefused() throws Exception
    {
        final TestQueueWriter headless = new TestQueueWriter(spool, "nohead", 1, now, false);
        headless.defineSeries(1, MetricKind.TRANSPORT, "transport_send");
        headless.close(false);
        final QueueTailer refused = tailer(headless.directory());
        refused.poll(100, now);
        assertFalse(refused.isActive());
        assertEquals(IngestCounters.MISSING_HEADER, refused.problem());
        assertEquals(1, counters.rejected(IngestCounters.MISSING_HEADER));

        final TestQueueWriter future = new TestQueueWriter(spool, "future", 1, now, false);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final int length = QueueHeaderEncoder.encode(buffer, 0, 1, now, "future", "h", "v");
        buffer.putShort(12, (short)(WireFormat.FORMAT_MAJOR + 1), WireFormat.BYTE_ORDER);
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        future.writeRaw(bytes);
        future.close(false);
        final QueueTailer other = tailer(future.directory());
        other.poll(100, now);
        assertEquals("unsupported_version", other.problem());
        assertEquals(List.of(), aggregator.registry().all());
    }
}
