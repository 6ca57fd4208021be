package io.hotpath.agent.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.agent.AgentMain;
import io.hotpath.agent.InProcessAgent;
import io.hotpath.agent.config.RuleConfigParser;
import io.hotpath.agent.it.SpoolReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ring's two record forms ({@link RingSampleDescriptor}): untraced samples as 32-byte compact
 * records, ids too large for the compact type as 64-byte wide ones, mixed in one stripe across many
 * laps (where Agrona pads before a wide record at the end), each read back with its own values, and
 * the recorded count exact whenever the ring is read empty and never decreasing.
 */
class RingRecordFormsTest
{
    @TempDir
    Path spool;

    /** Owned stripes: the calling thread's own (plain claim); none: a shared one (Agrona's CAS claim). */
    @ParameterizedTest(name = "owned stripes: {0}")
    @ValueSource(ints = {ThreadSlots.SLOTS, 0})
    void compactAndWideRecordsMixAcrossLapsAndAreCountedExactly(final int ownedStripes) throws Exception
    {
        final SeriesRegistry registry = new SeriesRegistry(RuleConfigParser.parse("forms",
            "rules:\n  - { type: A, method: a, metric: forms, kind: custom }\n"));
        final int series = registry.staticSeries(0);
        ThreadSlots.reapEnded();
        final RingRecorder recorder = new RingRecorder(new StripedRing(1024, 1, ownedStripes), registry, new ErrorTypeRegistry());
        final StripedRing ring = recorder.ring();
        assertEquals(ownedStripes > 0, ring.ownedStripeOfCurrentThread() >= 0, "which claim this run tests");
        for (int stripe = 0; stripe < ring.stripes(); stripe++)
        {
            assertEquals(0, ring.address(stripe) % 64, "stripe is cache-line aligned");
        }
        final List<long[]> read = new ArrayList<>();
        long lastRecorded = 0;
        long written = 0;
        long recordBytes = 0;
        for (int round = 0; round < 500; round++)
        {
            final int batch = 1 + round % 13;
            for (int i = 0; i < batch; i++)
            {
                final boolean wide = (round + i) % 5 == 0; // this pattern puts 23 wide records at a stripe's last 32 bytes
                recordBytes += wide ? RingSampleDescriptor.RECORD_LENGTH : RingSampleDescriptor.COMPACT_RECORD_LENGTH;
                final int errorType = wide ? RingSampleDescriptor.MAX_COMPACT_ERROR_TYPE_ID + 1 + i : i % 5;
                recorder.record(series, 1_000, 1_000 + written, written * 10, errorType);
                written++;
                final long recorded = recorder.recorded();
                assertTrue(recorded >= lastRecorded && recorded <= written, recorded + " of " + written);
                lastRecorded = recorded;
            }
            // a read stops at the end of the buffer (and reads nothing when it only skipped padding there):
            // read until nothing is left
            while (ring.size() > 0)
            {
                ring.read((type, buffer, index, length) ->
                {
                    final boolean compact = length == RingSampleDescriptor.COMPACT_MESSAGE_LENGTH;
                    assertTrue(index + length <= ring.stripeCapacity(), "no record runs past a stripe's end: padded before");
                    final long duration = buffer.getLong(index + (compact ?
                        RingSampleDescriptor.COMPACT_DURATION_NANOS_OFFSET : RingSampleDescriptor.DURATION_NANOS_OFFSET));
                    final long payload = buffer.getLong(index + (compact ?
                        RingSampleDescriptor.COMPACT_PAYLOAD_BYTES_OFFSET : RingSampleDescriptor.PAYLOAD_BYTES_OFFSET));
                    final int seriesId = compact ? RingSampleDescriptor.compactSeriesId(type) :
                        buffer.getInt(index + RingSampleDescriptor.SERIES_ID_OFFSET);
                    final int errorType = compact ? RingSampleDescriptor.compactErrorTypeId(type) :
                        buffer.getInt(index + RingSampleDescriptor.ERROR_TYPE_ID_OFFSET);
                    read.add(new long[] { seriesId, duration, payload, errorType, compact ? 1 : 0 });
                }, 1000);
                assertTrue(recorder.recorded() <= written);
            }
            assertEquals(written, recorder.recorded(), "exact once read empty, round " + round);
            lastRecorded = written;
        }
        assertEquals(0, recorder.dropped());
        assertEquals(written, read.size());
        for (int i = 0; i < read.size(); i++)
        {
            assertEquals(series, read.get(i)[0]);
            assertEquals(i, read.get(i)[1], "in order, own duration");
            assertEquals(i * 10L, read.get(i)[2]);
            assertEquals(read.get(i)[3] <= RingSampleDescriptor.MAX_COMPACT_ERROR_TYPE_ID ? 1 : 0, read.get(i)[4]);
        }
        assertTrue(ring.producerPosition() > 10L * ring.stripeCapacity(), "many laps");
        assertTrue(ring.producerPosition() > recordBytes, "padding was written before wide records at a stripe's end");
    }

    @Test
    void bothFormsReachTheQueueWithTheirValues() throws Exception
    {
        final AgentMain.Running agent = InProcessAgent.start(Map.of("spool.dir", spool.toString(), "service.name", "forms"),
            "rules:\n  - { type: A, method: a, metric: forms, kind: custom }\n");
        final int series = agent.recorder().seriesRegistry().staticSeries(0);
        final int wideError = RingSampleDescriptor.MAX_COMPACT_ERROR_TYPE_ID + 7;
        try
        {
            agent.recorder().record(series, 100, 1_100, 42, 0);
            agent.recorder().record(series, 100, 2_100, -1, wideError);
        }
        finally
        {
            agent.close();
        }
        final SpoolReader reader = SpoolReader.read(SpoolReader.onlyQueue(spool));
        assertEquals(2, reader.samples.size(), reader.samples.toString());
        assertEquals(1_000, reader.samples.get(0).durationNanos());
        assertEquals(42, reader.samples.get(0).payloadBytes());
        assertTrue(!reader.samples.get(0).error());
        assertEquals(2_000, reader.samples.get(1).durationNanos());
        assertEquals(-1, reader.samples.get(1).payloadBytes());
        assertTrue(reader.samples.get(1).error());
        assertEquals(2, reader.lastStats().recorded());
        assertEquals(2, reader.lastStats().drained());
    }
}
