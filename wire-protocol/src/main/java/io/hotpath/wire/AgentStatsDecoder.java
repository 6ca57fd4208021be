package io.hotpath.wire;

import org.agrona.DirectBuffer;

/** Flyweight over an AGENT_STATS record; {@link #wrap} validates it. */
public final class AgentStatsDecoder
{
    private DirectBuffer buffer;
    private int offset;
    private int blockEnd;

    /** @return the record length. */
    public int wrap(final DirectBuffer buffer, final int offset, final int available)
    {
        final int recordLength = RecordBounds.checkHeader(
            buffer, offset, available, RecordType.AGENT_STATS, AgentStatsDescriptor.MIN_BLOCK_LENGTH);
        this.buffer = buffer;
        this.offset = offset;
        this.blockEnd = RecordHeaderDescriptor.HEADER_LENGTH + RecordHeaderDescriptor.blockLength(buffer, offset);
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

    /** Nanos the agent's drain thread woke after the time it parked for, in total; -1 from an agent before them. */
    public long drainLateNanos()
    {
        return getIfWritten(AgentStatsDescriptor.DRAIN_LATE_NANOS_OFFSET);
    }

    /** GC pause time in total, nanos; -1 unknown (or from an agent before the field). */
    public long gcPauseNanos()
    {
        return getIfWritten(AgentStatsDescriptor.GC_PAUSE_NANOS_OFFSET);
    }

    /** Time at safepoints in total, nanos; -1 unknown (or from an agent before the field). */
    public long safepointNanos()
    {
        return getIfWritten(AgentStatsDescriptor.SAFEPOINT_NANOS_OFFSET);
    }

    /** The most starved thread's wait for a CPU per stats interval, in total, nanos; -1 unknown (or an older agent). */
    public long runQueueWaitNanos()
    {
        return getIfWritten(AgentStatsDescriptor.RUN_QUEUE_WAIT_NANOS_OFFSET);
    }

    /** A field appended after the 1.0 block: -1 when the writer's block ends before it. */
    private long getIfWritten(final int fieldOffset)
    {
        return fieldOffset + Long.BYTES <= blockEnd ? get(fieldOffset) : -1;
    }

    private long get(final int fieldOffset)
    {
        return buffer.getLong(offset + fieldOffset, WireFormat.BYTE_ORDER);
    }
}
