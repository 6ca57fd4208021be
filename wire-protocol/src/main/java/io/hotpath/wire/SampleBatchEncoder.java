package io.hotpath.wire;

import org.agrona.MutableDirectBuffer;

/**
 * Builds a SAMPLE_BATCH record in place: {@link #wrap}, then {@link #nextEntryOffset} and a
 * {@link SampleEncoder} call per sample, then {@link #finish}. Reusable, allocation-free.
 */
public final class SampleBatchEncoder
{
    private MutableDirectBuffer buffer;
    private int offset;
    private int entryLength;
    private int count;
    private int maxEntries;

    /**
     * @param entryLength {@link SampleDescriptor#UNTRACED_LENGTH} or {@link SampleDescriptor#TRACED_LENGTH}.
     * @param capacity bytes available from {@code offset}; bounds the entry count.
     */
    public SampleBatchEncoder wrap(final MutableDirectBuffer buffer, final int offset, final int entryLength, final int capacity)
    {
        if (entryLength != SampleDescriptor.UNTRACED_LENGTH && entryLength != SampleDescriptor.TRACED_LENGTH)
        {
            throw new IllegalArgumentException("entry length must be 40 or 64, got " + entryLength);
        }
        this.buffer = buffer;
        this.offset = offset;
        this.entryLength = entryLength;
        this.count = 0;
        this.maxEntries = Math.min(
            SampleBatchDescriptor.maxEntries(entryLength),
            Math.max(0, (capacity - SampleBatchDescriptor.ENTRIES_OFFSET) / entryLength));
        return this;
    }

    public int count()
    {
        return count;
    }

    public boolean isFull()
    {
        return count >= maxEntries;
    }

    public int entryLength()
    {
        return entryLength;
    }

    /** Reserves the next entry and returns its offset, or -1 when the batch is full. */
    public int nextEntryOffset()
    {
        if (count >= maxEntries)
        {
            return -1;
        }
        return offset + SampleBatchDescriptor.ENTRIES_OFFSET + entryLength * count++;
    }

    /**
     * Writes the header and fixed block; returns the record length.
     *
     * @param writtenEpochNanos when the samples were taken for writing, on their end times' clock
     */
    public int finish(final long writtenEpochNanos)
    {
        final int length = SampleBatchDescriptor.recordLength(count, entryLength);
        buffer.putInt(offset + SampleBatchDescriptor.COUNT_OFFSET, count, WireFormat.BYTE_ORDER);
        buffer.putShort(offset + SampleBatchDescriptor.ENTRY_LENGTH_OFFSET, (short)entryLength, WireFormat.BYTE_ORDER);
        buffer.putShort(offset + SampleBatchDescriptor.ENTRY_LENGTH_OFFSET + 2, (short)0, WireFormat.BYTE_ORDER);
        buffer.putLong(offset + SampleBatchDescriptor.WRITTEN_EPOCH_NANOS_OFFSET, writtenEpochNanos, WireFormat.BYTE_ORDER);
        RecordHeaderDescriptor.write(buffer, offset, length, RecordType.SAMPLE_BATCH, SampleBatchDescriptor.BLOCK_LENGTH);
        return length;
    }
}
