package io.hotpath.wire;

import org.agrona.DirectBuffer;

/** Flyweight over an AGENT_STATS record; {@link #wrap} validates it. */
public final class AgentStatsDecoder
{
    private DirectBuffer buffer;
    private int offset;

    /** @return the record length. */
    public int wrap(final DirectBuffer buffer, final int offset, final int available)
    {
        final int recordLength = RecordBounds.checkHeader(
            buffer, offset, available, RecordType.AGENT_STATS, AgentStatsDescriptor.BLOCK_LENGTH);
        this.buffer = buffer;
        this.offset = offset;
        return recordLength;
    }

    public long timestampEpochNanos()
    {
        return get(AgentStatsDescriptor.TIMESTAMP_EPOCH_NANOS_OFFSET);
    }

    public long samplesRecorded()
    {
        return get(AgentStatsDescriptor.SAMPLES_RECORDED_OFFSET);
    }

    public long samplesDropped()
    {
        return get(AgentStatsDescriptor.SAMPLES_DROPPED_OFFSET);
    }

    public long samplesDrained()
    {
        return get(AgentStatsDescriptor.SAMPLES_DRAINED_OFFSET);
    }

    public long ringOccupancyBytes()
    {
        return get(AgentStatsDescriptor.RING_OCCUPANCY_BYTES_OFFSET);
    }

    public long ringCapacityBytes()
    {
        return get(AgentStatsDescriptor.RING_CAPACITY_BYTES_OFFSET);
    }

    public long drainLagNanos()
    {
        return get(AgentStatsDescriptor.DRAIN_LAG_NANOS_OFFSET);
    }

    public long adviceErrors()
    {
        return get(AgentStatsDescriptor.ADVICE_ERRORS_OFFSET);
    }

    public long labelOverflows()
    {
        return get(AgentStatsDescriptor.LABEL_OVERFLOWS_OFFSET);
    }

    private long get(final int fieldOffset)
    {
        return buffer.getLong(offset + fieldOffset, WireFormat.BYTE_ORDER);
    }
}
