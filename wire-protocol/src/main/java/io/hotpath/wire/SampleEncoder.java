package io.hotpath.wire;

import org.agrona.MutableDirectBuffer;

/**
 * Writes sample entries and SAMPLE records; see {@link SampleDescriptor}. Static and
 * allocation-free so that it can sit on a hot path.
 */
public final class SampleEncoder
{
    private SampleEncoder()
    {
    }

    /**
     * Writes one entry without trace context ({@link SampleDescriptor#UNTRACED_LENGTH} bytes) at
     * {@code offset}.
     */
    public static void encodeEntry(
        final MutableDirectBuffer buffer,
        final int offset,
        final int seriesId,
        final long endEpochNanos,
        final long durationNanos,
        final long payloadBytes,
        final byte outcome,
        final int errorTypeId)
    {
        buffer.putInt(offset + SampleDescriptor.SERIES_ID_OFFSET, seriesId, WireFormat.BYTE_ORDER);
        buffer.putInt(offset + SampleDescriptor.ERROR_TYPE_ID_OFFSET, errorTypeId, WireFormat.BYTE_ORDER);
        buffer.putLong(offset + SampleDescriptor.END_EPOCH_NANOS_OFFSET, endEpochNanos, WireFormat.BYTE_ORDER);
        buffer.putLong(offset + SampleDescriptor.DURATION_NANOS_OFFSET, durationNanos, WireFormat.BYTE_ORDER);
        buffer.putLong(offset + SampleDescriptor.PAYLOAD_BYTES_OFFSET, payloadBytes, WireFormat.BYTE_ORDER);
        buffer.putLong(offset + SampleDescriptor.OUTCOME_OFFSET, outcome & 0xFFL, WireFormat.BYTE_ORDER);
    }

    /**
     * Writes one entry with trace context ({@link SampleDescriptor#TRACED_LENGTH} bytes) at {@code offset}.
     */
    public static void encodeTracedEntry(
        final MutableDirectBuffer buffer,
        final int offset,
        final int seriesId,
        final long endEpochNanos,
        final long durationNanos,
        final long payloadBytes,
        final byte outcome,
        final int errorTypeId,
        final long traceIdHigh,
        final long traceIdLow,
        final long spanId)
    {
        encodeEntry(buffer, offset, seriesId, endEpochNanos, durationNanos, payloadBytes, outcome, errorTypeId);
        buffer.putByte(offset + SampleDescriptor.FLAGS_OFFSET, SampleDescriptor.FLAG_TRACED);
        buffer.putLong(offset + SampleDescriptor.TRACE_ID_HIGH_OFFSET, traceIdHigh, WireFormat.BYTE_ORDER);
        buffer.putLong(offset + SampleDescriptor.TRACE_ID_LOW_OFFSET, traceIdLow, WireFormat.BYTE_ORDER);
        buffer.putLong(offset + SampleDescriptor.SPAN_ID_OFFSET, spanId, WireFormat.BYTE_ORDER);
    }

    /** Writes the header of a SAMPLE record whose entry of {@code entryLength} bytes follows it. */
    public static int encodeRecordHeader(final MutableDirectBuffer buffer, final int offset, final int entryLength)
    {
        final int length = RecordHeaderDescriptor.HEADER_LENGTH + entryLength;
        RecordHeaderDescriptor.write(buffer, offset, length, RecordType.SAMPLE, entryLength);
        return length;
    }

    /** Writes a whole untraced SAMPLE record; returns its length. */
    public static int encode(
        final MutableDirectBuffer buffer,
        final int offset,
        final int seriesId,
        final long endEpochNanos,
        final long durationNanos,
        final long payloadBytes,
        final byte outcome,
        final int errorTypeId)
    {
        encodeEntry(buffer, offset + RecordHeaderDescriptor.HEADER_LENGTH,
            seriesId, endEpochNanos, durationNanos, payloadBytes, outcome, errorTypeId);
        return encodeRecordHeader(buffer, offset, SampleDescriptor.UNTRACED_LENGTH);
    }
}
