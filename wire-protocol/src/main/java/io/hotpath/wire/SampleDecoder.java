package io.hotpath.wire;

import org.agrona.DirectBuffer;

/**
 * Flyweight over one sample entry, in a SAMPLE record or a SAMPLE_BATCH. Decoders position it
 * with {@link #wrapEntry}, which validates the entry, so the accessors cannot fail afterwards.
 */
public final class SampleDecoder
{
    private DirectBuffer buffer;
    private int offset;
    private boolean traced;
    private long writtenEpochNanos = SampleBatchDescriptor.NOT_STAMPED;

    /** Validates and wraps a whole SAMPLE record; returns the record length. */
    public int wrap(final DirectBuffer buffer, final int offset, final int available)
    {
        final int recordLength = RecordBounds.checkHeader(
            buffer, offset, available, RecordType.SAMPLE, SampleDescriptor.UNTRACED_LENGTH);
        wrapEntry(buffer, offset + RecordHeaderDescriptor.HEADER_LENGTH, RecordHeaderDescriptor.blockLength(buffer, offset));
        writtenEpochNanos = SampleBatchDescriptor.NOT_STAMPED;
        return recordLength;
    }

    /**
     * Validates and wraps the entry at {@code offset} of {@code entryLength} bytes; the caller has
     * checked that those bytes lie inside the buffer and that {@code entryLength} is at least
     * {@link SampleDescriptor#UNTRACED_LENGTH}.
     */
    public SampleDecoder wrapEntry(final DirectBuffer buffer, final int offset, final int entryLength)
    {
        final byte outcome = buffer.getByte(offset + SampleDescriptor.OUTCOME_OFFSET);
        if (outcome != SampleDescriptor.OUTCOME_OK && outcome != SampleDescriptor.OUTCOME_ERROR)
        {
            throw new MalformedRecordException(
                MalformedRecordException.BAD_VALUE, offset + SampleDescriptor.OUTCOME_OFFSET, "unknown outcome " + outcome);
        }
        final long duration = buffer.getLong(offset + SampleDescriptor.DURATION_NANOS_OFFSET, WireFormat.BYTE_ORDER);
        if (duration < 0)
        {
            throw new MalformedRecordException(
                MalformedRecordException.BAD_VALUE, offset + SampleDescriptor.DURATION_NANOS_OFFSET,
                "negative duration " + duration);
        }
        final long payload = buffer.getLong(offset + SampleDescriptor.PAYLOAD_BYTES_OFFSET, WireFormat.BYTE_ORDER);
        if (payload < SampleDescriptor.PAYLOAD_UNKNOWN)
        {
            throw new MalformedRecordException(
                MalformedRecordException.BAD_VALUE, offset + SampleDescriptor.PAYLOAD_BYTES_OFFSET,
                "payload size " + payload + " is below -1");
        }
        final boolean tracedFlag = (buffer.getByte(offset + SampleDescriptor.FLAGS_OFFSET) & SampleDescriptor.FLAG_TRACED) != 0;
        if (tracedFlag && entryLength < SampleDescriptor.TRACED_LENGTH)
        {
            throw new MalformedRecordException(
                MalformedRecordException.TRUNCATED, offset + SampleDescriptor.FLAGS_OFFSET,
                "traced sample entry of " + entryLength + " bytes, needs " + SampleDescriptor.TRACED_LENGTH);
        }
        this.buffer = buffer;
        this.offset = offset;
        this.traced = tracedFlag;
        return this;
    }

    /** Repositions over an entry that {@link #wrapEntry} has already validated. */
    SampleDecoder rewrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.traced = (buffer.getByte(offset + SampleDescriptor.FLAGS_OFFSET) & SampleDescriptor.FLAG_TRACED) != 0;
        return this;
    }

    void writtenEpochNanos(final long written)
    {
        this.writtenEpochNanos = written;
    }

    /**
     * When the writer took this sample for writing, from its batch ({@link SampleBatchDescriptor#NOT_STAMPED}: a
     * single SAMPLE record, or a batch of an older writer).
     */
    public long writtenEpochNanos()
    {
        return writtenEpochNanos;
    }

    public int seriesId()
    {
        return buffer.getInt(offset + SampleDescriptor.SERIES_ID_OFFSET, WireFormat.BYTE_ORDER);
    }

    /** Meaningful only when {@link #isError()}; 0 = unknown type. */
    public int errorTypeId()
    {
        return buffer.getInt(offset + SampleDescriptor.ERROR_TYPE_ID_OFFSET, WireFormat.BYTE_ORDER);
    }

    public long endEpochNanos()
    {
        return buffer.getLong(offset + SampleDescriptor.END_EPOCH_NANOS_OFFSET, WireFormat.BYTE_ORDER);
    }

    public long durationNanos()
    {
        return buffer.getLong(offset + SampleDescriptor.DURATION_NANOS_OFFSET, WireFormat.BYTE_ORDER);
    }

    /** Payload size in bytes, or {@link SampleDescriptor#PAYLOAD_UNKNOWN}. */
    public long payloadBytes()
    {
        return buffer.getLong(offset + SampleDescriptor.PAYLOAD_BYTES_OFFSET, WireFormat.BYTE_ORDER);
    }

    public byte outcome()
    {
        return buffer.getByte(offset + SampleDescriptor.OUTCOME_OFFSET);
    }

    public boolean isError()
    {
        return outcome() == SampleDescriptor.OUTCOME_ERROR;
    }

    public boolean isTraced()
    {
        return traced;
    }

    /** Meaningful only when {@link #isTraced()}. */
    public long traceIdHigh()
    {
        return traced ? buffer.getLong(offset + SampleDescriptor.TRACE_ID_HIGH_OFFSET, WireFormat.BYTE_ORDER) : 0;
    }

    public long traceIdLow()
    {
        return traced ? buffer.getLong(offset + SampleDescriptor.TRACE_ID_LOW_OFFSET, WireFormat.BYTE_ORDER) : 0;
    }

    public long spanId()
    {
        return traced ? buffer.getLong(offset + SampleDescriptor.SPAN_ID_OFFSET, WireFormat.BYTE_ORDER) : 0;
    }
}
