package io.hotpath.wire;

import org.agrona.DirectBuffer;

/**
 * Flyweight over a SAMPLE_BATCH record. {@link #wrap} validates the framing and every entry before
 * any is handed out, so a batch is taken whole or rejected whole: a reader never counts half a batch.
 */
public final class SampleBatchDecoder
{
    private final SampleDecoder entry = new SampleDecoder();
    private DirectBuffer buffer;
    private int entriesOffset;
    private int entryLength;
    private int count;

    /** @return the record length. */
    public int wrap(final DirectBuffer buffer, final int offset, final int available)
    {
        final int recordLength = RecordBounds.checkHeader(
            buffer, offset, available, RecordType.SAMPLE_BATCH, SampleBatchDescriptor.MIN_BLOCK_LENGTH);
        final int count = buffer.getInt(offset + SampleBatchDescriptor.COUNT_OFFSET, WireFormat.BYTE_ORDER);
        final int entryLength =
            buffer.getShort(offset + SampleBatchDescriptor.ENTRY_LENGTH_OFFSET, WireFormat.BYTE_ORDER) & 0xFFFF;
        if (entryLength < SampleDescriptor.UNTRACED_LENGTH)
        {
            throw new MalformedRecordException(
                MalformedRecordException.BAD_LENGTH, offset + SampleBatchDescriptor.ENTRY_LENGTH_OFFSET,
                "entry length " + entryLength + " is below the minimum " + SampleDescriptor.UNTRACED_LENGTH);
        }
        final int entriesOffset = offset + RecordHeaderDescriptor.HEADER_LENGTH + RecordHeaderDescriptor.blockLength(buffer, offset);
        final long expected = (long)(entriesOffset - offset) + (long)count * entryLength;
        if (count < 0 || expected != recordLength)
        {
            throw new MalformedRecordException(
                MalformedRecordException.BAD_LENGTH, offset + SampleBatchDescriptor.COUNT_OFFSET,
                count + " entries of " + entryLength + " bytes do not fit a record of " + recordLength + " bytes");
        }
        for (int i = 0; i < count; i++)
        {
            entry.wrapEntry(buffer, entriesOffset + i * entryLength, entryLength);
        }
        final long written = entriesOffset - offset >= SampleBatchDescriptor.ENTRIES_OFFSET
            ? buffer.getLong(offset + SampleBatchDescriptor.WRITTEN_EPOCH_NANOS_OFFSET, WireFormat.BYTE_ORDER)
            : SampleBatchDescriptor.NOT_STAMPED;
        entry.writtenEpochNanos(written);
        this.buffer = buffer;
        this.entriesOffset = entriesOffset;
        this.entryLength = entryLength;
        this.count = count;
        return recordLength;
    }

    public int count()
    {
        return count;
    }

    /** When the writer took the batch's samples ({@link SampleBatchDescriptor#NOT_STAMPED}: an older writer). */
    public long writtenEpochNanos()
    {
        return entry.writtenEpochNanos();
    }

    public int entryLength()
    {
        return entryLength;
    }

    /** Positions the shared entry flyweight at entry {@code index} (already validated) and returns it. */
    public SampleDecoder entry(final int index)
    {
        if (index < 0 || index >= count)
        {
            throw new IllegalArgumentException("entry " + index + " not in [0, " + count + ")");
        }
        return entry.rewrap(buffer, entriesOffset + index * entryLength);
    }
}
