package io.hotpath.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import java.nio.charset.StandardCharsets;

class RoundTripAndCompatibilityTest
{
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1 << 16);
    private final RecordDecoder decoder = new RecordDecoder();

    @Test
    void streamOfEveryRecordTypeRoundTrips()
    {
        int p = 0;
        p += QueueHeaderEncoder.encode(buffer, p, 1, 2, "svc", "h", "v");
        p += SeriesDefinitionEncoder.encode(buffer, p, 1, MetricKind.MIGRATION, "vm_migrate", "seconds");
        p += ErrorTypeDefinitionEncoder.encode(buffer, p, 1, "IOException");
        final SampleBatchEncoder batch = new SampleBatchEncoder().wrap(buffer, p, SampleDescriptor.TRACED_LENGTH, 1 << 12);
        SampleEncoder.encodeTracedEntry(buffer, batch.nextEntryOffset(), 1, 10, 20, 30, SampleDescriptor.OUTCOME_OK, 0, 1, 2, 3);
        SampleEncoder.encodeEntry(buffer, batch.nextEntryOffset(), 1, 11, 21, -1, SampleDescriptor.OUTCOME_ERROR, 1);
        p += batch.finish(12);
        p += AgentStatsEncoder.encode(buffer, p, 1, 2, 3, 4, 5, 6, 7, 8, 9);

        final List<String> seen = new ArrayList<>();
        assertEquals(5, decoder.decodeAll(buffer, 0, p, "test", new CollectingHandler(seen)));
        assertEquals(List.of(
            "header 1.0 1 2 svc h v",
            "series 1 migration vm_migrate seconds",
            "error-type 1 IOException",
            "sample 1 ok 10 20 30 00000000000000010000000000000002/0000000000000003",
            "sample 1 error:1 11 21 -1",
            "stats 1 2 3 4 5 6 7 8 9"), seen);
    }

    @Test
    void batchStopsAtCapacityAndReportsFull()
    {
        final SampleBatchEncoder batch = new SampleBatchEncoder().wrap(buffer, 0, SampleDescriptor.UNTRACED_LENGTH, 16 + 40 * 3 + 39);
        assertTrue(batch.nextEntryOffset() >= 0);
        assertTrue(batch.nextEntryOffset() >= 0);
        assertTrue(batch.nextEntryOffset() >= 0);
        assertTrue(batch.isFull());
        assertEquals(-1, batch.nextEntryOffset());
        assertEquals(3, batch.count());
    }

    @Test
    void newerMinorVersionFieldsAreSkipped()
    {
        // A writer of format 1.1 appended 4 bytes to the series definition's fixed block and a
        // string after the labels: a 1.0 reader must find the strings via blockLength and ignore the tail.
        final int extraBlock = 4;
        int p = RecordHeaderDescriptor.HEADER_LENGTH;
        buffer.putInt(p, 42, WireFormat.BYTE_ORDER);
        buffer.putByte(p + 4, (byte)MetricKind.P2P.code());
        buffer.putByte(p + 5, (byte)0);
        buffer.putShort(p + 6, (short)1, WireFormat.BYTE_ORDER);
        buffer.putInt(p + 8, 0xCAFE, WireFormat.BYTE_ORDER);
        p += SeriesDefinitionDescriptor.BLOCK_LENGTH + extraBlock;
        p = Utf8Strings.put(buffer, p, "p2p_connect");
        p = Utf8Strings.put(buffer, p, "seconds");
        p = Utf8Strings.put(buffer, p, "peer_region");
        p = Utf8Strings.put(buffer, p, "eu");
        p = Utf8Strings.put(buffer, p, "a field from the future");
        buffer.putInt(0, p, WireFormat.BYTE_ORDER);
        buffer.putByte(RecordHeaderDescriptor.TYPE_OFFSET, (byte)RecordType.SERIES_DEFINITION);
        buffer.putByte(RecordHeaderDescriptor.VERSION_OFFSET, (byte)1);
        buffer.putShort(RecordHeaderDescriptor.BLOCK_LENGTH_OFFSET, (short)(SeriesDefinitionDescriptor.BLOCK_LENGTH + extraBlock), WireFormat.BYTE_ORDER);

        final List<String> seen = new ArrayList<>();
        assertEquals(p, decoder.decode(buffer, 0, p, "test", new CollectingHandler(seen)));
        assertEquals(List.of("series 42 p2p p2p_connect seconds peer_region=eu"), seen);
    }

    @Test
    void widerBatchEntriesFromNewerMinorAreRead()
    {
        final int entryLength = 72;
        final int count = 2;
        final int length = SampleBatchDescriptor.ENTRIES_OFFSET + count * entryLength;
        for (int i = 0; i < count; i++)
        {
            final int at = SampleBatchDescriptor.ENTRIES_OFFSET + i * entryLength;
            SampleEncoder.encodeTracedEntry(buffer, at, i, 100 + i, 5, 6, SampleDescriptor.OUTCOME_OK, 0, 7, 8, 9);
            buffer.putLong(at + 64, -1L, WireFormat.BYTE_ORDER); // unknown trailing field
        }
        buffer.putInt(SampleBatchDescriptor.COUNT_OFFSET, count, WireFormat.BYTE_ORDER);
        buffer.putShort(SampleBatchDescriptor.ENTRY_LENGTH_OFFSET, (short)entryLength, WireFormat.BYTE_ORDER);
        RecordHeaderDescriptor.write(buffer, 0, length, RecordType.SAMPLE_BATCH, SampleBatchDescriptor.BLOCK_LENGTH);

        final List<String> seen = new ArrayList<>();
        decoder.decode(buffer, 0, length, "test", new CollectingHandler(seen));
        assertEquals(2, seen.size());
        assertEquals("sample 1 ok 101 5 6 00000000000000070000000000000008/0000000000000009", seen.get(1));
    }

    @Test
    void unknownRecordTypeIsHandedOverWithItsLength()
    {
        RecordHeaderDescriptor.write(buffer, 0, 24, 99, 16);
        final List<String> seen = new ArrayList<>();
        assertEquals(24, decoder.decode(buffer, 0, 24, "test", new CollectingHandler(seen)));
        assertEquals(List.of("unknown 99 24"), seen);
    }

    @Test
    void wrongMagicNamesTheSource()
    {
        final int length = QueueHeaderEncoder.encode(buffer, 0, 1, 2, "svc", "h", "v");
        buffer.putInt(QueueHeaderDescriptor.MAGIC_OFFSET, 0x12345678, WireFormat.BYTE_ORDER);
        final UnsupportedFormatException ex = assertThrows(UnsupportedFormatException.class,
            () -> decoder.decode(buffer, 0, length, "/var/lib/hotpath/spool/svc-1-2", new CollectingHandler(new ArrayList<>())));
        assertEquals(UnsupportedFormatException.BAD_MAGIC, ex.reason());
        assertEquals(QueueHeaderDescriptor.MAGIC_OFFSET, ex.offset());
        assertTrue(ex.getMessage().contains("/var/lib/hotpath/spool/svc-1-2"), ex.getMessage());
        assertTrue(ex.getMessage().contains("0x12345678"), ex.getMessage());
    }

    @Test
    void newerMajorVersionNamesSourceAndVersion()
    {
        final int length = QueueHeaderEncoder.encode(buffer, 0, 1, 2, "svc", "h", "v");
        buffer.putShort(QueueHeaderDescriptor.FORMAT_MAJOR_OFFSET, (short)2, WireFormat.BYTE_ORDER);
        buffer.putShort(QueueHeaderDescriptor.FORMAT_MINOR_OFFSET, (short)3, WireFormat.BYTE_ORDER);
        final UnsupportedFormatException ex = assertThrows(UnsupportedFormatException.class,
            () -> decoder.decode(buffer, 0, length, "queue svc-1-2", new CollectingHandler(new ArrayList<>())));
        assertEquals(UnsupportedFormatException.UNSUPPORTED_VERSION, ex.reason());
        assertTrue(ex.getMessage().startsWith("queue svc-1-2: written in hotpath wire format 2.3"), ex.getMessage());
    }

    @Test
    void truncatedRecordReportsOffsetNotIndexOutOfBounds()
    {
        final int length = SeriesDefinitionEncoder.encode(buffer, 0, 1, MetricKind.P2P, "p2p_connect", "seconds", "peer", "a");
        final UnsafeBuffer cut = new UnsafeBuffer(new byte[length - 3]);
        cut.putBytes(0, buffer, 0, length - 3);
        final MalformedRecordException ex = assertThrows(MalformedRecordException.class,
            () -> decoder.decode(cut, 0, cut.capacity(), "t", new CollectingHandler(new ArrayList<>())));
        assertEquals(MalformedRecordException.TRUNCATED, ex.reason());
        assertEquals(RecordHeaderDescriptor.LENGTH_OFFSET, ex.offset());

        // Lie about a string length inside an otherwise well-framed record.
        buffer.putShort(RecordHeaderDescriptor.HEADER_LENGTH + SeriesDefinitionDescriptor.BLOCK_LENGTH, (short)500, WireFormat.BYTE_ORDER);
        final MalformedRecordException inner = assertThrows(MalformedRecordException.class,
            () -> decoder.decode(buffer, 0, length, "t", new CollectingHandler(new ArrayList<>())));
        assertEquals(MalformedRecordException.TRUNCATED, inner.reason());
        assertEquals(RecordHeaderDescriptor.HEADER_LENGTH + SeriesDefinitionDescriptor.BLOCK_LENGTH, inner.offset());
        assertTrue(inner.getMessage().contains("metric name"), inner.getMessage());
    }

    @Test
    void badBatchIsRejectedWholeBeforeAnyEntryIsDelivered()
    {
        final SampleBatchEncoder batch = new SampleBatchEncoder().wrap(buffer, 0, SampleDescriptor.UNTRACED_LENGTH, 4096);
        SampleEncoder.encodeEntry(buffer, batch.nextEntryOffset(), 1, 1, 1, 1, SampleDescriptor.OUTCOME_OK, 0);
        final int bad = batch.nextEntryOffset();
        SampleEncoder.encodeEntry(buffer, bad, 1, 1, -5, 1, SampleDescriptor.OUTCOME_OK, 0);
        final int length = batch.finish(1);
        final List<String> seen = new ArrayList<>();
        final MalformedRecordException ex = assertThrows(MalformedRecordException.class,
            () -> decoder.decode(buffer, 0, length, "t", new CollectingHandler(seen)));
        assertEquals(MalformedRecordException.BAD_VALUE, ex.reason());
        assertEquals(bad + SampleDescriptor.DURATION_NANOS_OFFSET, ex.offset());
        assertTrue(seen.isEmpty(), "no entry of a rejected batch may be delivered");
    }

    @Test
    void encodersRejectWhatDecodersWouldReject()
    {
        assertThrows(IllegalArgumentException.class,
            () -> SeriesDefinitionEncoder.encode(buffer, 0, 1, MetricKind.P2P, "m", "s", "odd"));
        assertThrows(IllegalArgumentException.class,
            () -> ErrorTypeDefinitionEncoder.encode(buffer, 0, 1, "x".repeat(WireFormat.MAX_STRING_LENGTH + 1)));
        assertThrows(IllegalArgumentException.class,
            () -> new SampleBatchEncoder().wrap(buffer, 0, 48, 4096));
    }

    @Test
    void utf8LengthMatchesTheJdk()
    {
        for (final String s : new String[] {"", "abc", "région", "日本語", "emoji 😀 x", "\uD800 lone surrogate"})
        {
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, Utf8Strings.utf8Length(s), s);
        }
    }
}
