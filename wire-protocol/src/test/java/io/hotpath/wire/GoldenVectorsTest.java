package io.hotpath.wire;

import static io.hotpath.wire.GoldenVectors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import java.nio.charset.StandardCharsets;

/**
 * Pins the byte layout: the Java encoders must produce exactly the checked-in golden bytes (written
 * by an independent generator from the documented layout), and the decoders must read them back.
 * Moving a field, changing its width or its byte order fails here.
 */
class GoldenVectorsTest
{
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(4096);

    @Test
    void queueHeaderEncodesToGoldenBytes()
    {
        final int length = QueueHeaderEncoder.encode(out, 0, PID, JVM_START, SERVICE, HOST, AGENT_VERSION);
        assertGolden("queue-header", length);
    }

    @Test
    void seriesDefinitionEncodesToGoldenBytes()
    {
        final int length = SeriesDefinitionEncoder.encode(
            out, 0, 7, MetricKind.TRANSPORT, "transport_send", "seconds", "transport", "quic", "région", "eu-west");
        assertGolden("series-definition", length);
    }

    @Test
    void errorTypeDefinitionEncodesToGoldenBytes()
    {
        final int length = ErrorTypeDefinitionEncoder.encode(out, 0, 3, "SocketTimeoutException");
        assertGolden("error-type-definition", length);
    }

    @Test
    void sampleEncodesToGoldenBytes()
    {
        final int length = SampleEncoder.encode(
            out, 0, 7, 1764000001000000123L, 1_500_000, 512, SampleDescriptor.OUTCOME_OK, 0);
        assertGolden("sample", length);
    }

    @Test
    void tracedSampleEncodesToGoldenBytes()
    {
        SampleEncoder.encodeTracedEntry(out, RecordHeaderDescriptor.HEADER_LENGTH, 7, 1764000001000000456L, 250_000_000L,
            SampleDescriptor.PAYLOAD_UNKNOWN, SampleDescriptor.OUTCOME_ERROR, 3, TRACE_HIGH, TRACE_LOW, SPAN);
        final int length = SampleEncoder.encodeRecordHeader(out, 0, SampleDescriptor.TRACED_LENGTH);
        assertGolden("sample-traced", length);
    }

    @Test
    void sampleBatchEncodesToGoldenBytes()
    {
        final SampleBatchEncoder batch = new SampleBatchEncoder().wrap(out, 0, SampleDescriptor.UNTRACED_LENGTH, 4096);
        SampleEncoder.encodeEntry(out, batch.nextEntryOffset(), 7, 1764000002000000001L, 1000, 100, SampleDescriptor.OUTCOME_OK, 0);
        SampleEncoder.encodeEntry(out, batch.nextEntryOffset(), 8, 1764000002000000002L, 2_000_000, -1, SampleDescriptor.OUTCOME_ERROR, 3);
        SampleEncoder.encodeEntry(out, batch.nextEntryOffset(), 9, 1764000002000000003L, 3_000_000_000L, 0, SampleDescriptor.OUTCOME_OK, 0);
        assertGolden("sample-batch", batch.finish(1764000002004000000L));
    }

    @Test
    void agentStatsEncodesToGoldenBytes()
    {
        final int length = AgentStatsEncoder.encode(
            out, 0, 1764000003000000000L, 1_000_000, 17, 999_983, 4096, 8_388_608, 2_500_000, 2, 5);
        assertGolden("agent-stats", length);
    }

    @Test
    void queueHeaderDecodesFromGoldenBytes()
    {
        final UnsafeBuffer buffer = buffer("queue-header");
        final QueueHeaderDecoder decoder = new QueueHeaderDecoder();
        assertEquals(buffer.capacity(), decoder.wrap(buffer, 0, buffer.capacity(), "golden"));
        assertEquals(1, decoder.formatMajor());
        assertEquals(0, decoder.formatMinor());
        assertEquals(PID, decoder.pid());
        assertEquals(JVM_START, decoder.jvmStartEpochMillis());
        assertEquals(SERVICE, decoder.serviceName());
        assertEquals(HOST, decoder.host());
        assertEquals(AGENT_VERSION, decoder.agentVersion());
    }

    @Test
    void seriesDefinitionDecodesFromGoldenBytes()
    {
        final UnsafeBuffer buffer = buffer("series-definition");
        final SeriesDefinitionDecoder decoder = new SeriesDefinitionDecoder();
        assertEquals(buffer.capacity(), decoder.wrap(buffer, 0, buffer.capacity()));
        assertEquals(7, decoder.seriesId());
        assertEquals(MetricKind.TRANSPORT, decoder.kind());
        assertEquals("transport_send", decoder.metricName());
        assertEquals("seconds", decoder.unit());
        assertEquals(2, decoder.labelCount());
        assertEquals("transport", decoder.labelKey(0));
        assertEquals("quic", decoder.labelValue(0));
        assertEquals("région", decoder.labelKey(1));
        assertEquals("eu-west", decoder.labelValue(1));
    }

    @Test
    void errorTypeDefinitionDecodesFromGoldenBytes()
    {
        final UnsafeBuffer buffer = buffer("error-type-definition");
        final ErrorTypeDefinitionDecoder decoder = new ErrorTypeDefinitionDecoder();
        decoder.wrap(buffer, 0, buffer.capacity());
        assertEquals(3, decoder.errorTypeId());
        assertEquals("SocketTimeoutException", decoder.name());
    }

    @Test
    void samplesDecodeFromGoldenBytes()
    {
        final UnsafeBuffer buffer = buffer("sample");
        final SampleDecoder sample = new SampleDecoder();
        sample.wrap(buffer, 0, buffer.capacity());
        assertEquals(7, sample.seriesId());
        assertEquals(1764000001000000123L, sample.endEpochNanos());
        assertEquals(1_500_000, sample.durationNanos());
        assertEquals(512, sample.payloadBytes());
        assertFalse(sample.isError());
        assertFalse(sample.isTraced());

        final UnsafeBuffer traced = buffer("sample-traced");
        sample.wrap(traced, 0, traced.capacity());
        assertTrue(sample.isError());
        assertEquals(3, sample.errorTypeId());
        assertEquals(SampleDescriptor.PAYLOAD_UNKNOWN, sample.payloadBytes());
        assertTrue(sample.isTraced());
        assertEquals("0af7651916cd43dd8448eb211c80319c", TraceIds.traceIdHex(sample.traceIdHigh(), sample.traceIdLow()));
        assertEquals("b7ad6b7169203331", TraceIds.spanIdHex(sample.spanId()));
    }

    @Test
    void batchDecodesFromGoldenBytes()
    {
        final UnsafeBuffer buffer = buffer("sample-batch");
        final List<String> seen = new ArrayList<>();
        new RecordDecoder().decode(buffer, 0, buffer.capacity(), "golden", new CollectingHandler(seen));
        assertEquals(List.of(
            "sample 7 ok 1764000002000000001 1000 100",
            "sample 8 error:3 1764000002000000002 2000000 -1",
            "sample 9 ok 1764000002000000003 3000000000 0"), seen);
        final SampleBatchDecoder batch = new SampleBatchDecoder();
        batch.wrap(buffer, 0, buffer.capacity());
        assertEquals(1764000002004000000L, batch.writtenEpochNanos());
        assertEquals(1764000002004000000L, batch.entry(2).writtenEpochNanos());
    }

    @Test
    void batchWithoutWriteTimeStillDecodes()
    {
        // written before the batch carried its write time: same entries, block length 8, no write time
        final UnsafeBuffer buffer = buffer("sample-batch-block8");
        final List<String> seen = new ArrayList<>();
        new RecordDecoder().decode(buffer, 0, buffer.capacity(), "golden", new CollectingHandler(seen));
        assertEquals(3, seen.size());
        assertEquals("sample 9 ok 1764000002000000003 3000000000 0", seen.get(2));
        final SampleBatchDecoder batch = new SampleBatchDecoder();
        batch.wrap(buffer, 0, buffer.capacity());
        assertEquals(SampleBatchDescriptor.NOT_STAMPED, batch.entry(0).writtenEpochNanos());
    }

    @Test
    void agentStatsDecodeFromGoldenBytes()
    {
        final UnsafeBuffer buffer = buffer("agent-stats");
        final AgentStatsDecoder stats = new AgentStatsDecoder();
        stats.wrap(buffer, 0, buffer.capacity());
        assertEquals(1764000003000000000L, stats.timestampEpochNanos());
        assertEquals(1_000_000, stats.samplesRecorded());
        assertEquals(17, stats.samplesDropped());
        assertEquals(999_983, stats.samplesDrained());
        assertEquals(4096, stats.ringOccupancyBytes());
        assertEquals(8_388_608, stats.ringCapacityBytes());
        assertEquals(2_500_000, stats.drainLagNanos());
        assertEquals(2, stats.adviceErrors());
        assertEquals(5, stats.labelOverflows());
    }

    @Test
    void descriptorOffsetsMatchTheDocumentedLayout()
    {
        // The bit diagrams in the Javadoc are the reference; these are the numbers they show.
        assertEquals(8, RecordHeaderDescriptor.HEADER_LENGTH);
        assertEquals(40, SampleDescriptor.UNTRACED_LENGTH);
        assertEquals(64, SampleDescriptor.TRACED_LENGTH);
        assertEquals(24, SampleBatchDescriptor.ENTRIES_OFFSET);
        assertEquals(80, AgentStatsDescriptor.RECORD_LENGTH);
        assertEquals(0x48545048, WireFormat.MAGIC);
        assertEquals("HPTH", new String(new byte[] {0x48, 0x50, 0x54, 0x48}, StandardCharsets.US_ASCII));
    }

    private void assertGolden(final String name, final int length)
    {
        final byte[] expected = bytes(name);
        final byte[] actual = new byte[length];
        out.getBytes(0, actual);
        assertEquals(hex(expected, expected.length), hex(actual, actual.length), "encoding of " + name + " differs from golden/" + name + ".hex");
    }
}
