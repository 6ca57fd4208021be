package io.hotpath.wire;

import org.agrona.MutableDirectBuffer;

/** Writes an AGENT_STATS record; see {@link AgentStatsDescriptor}. */
public final class AgentStatsEncoder
{
    private AgentStatsEncoder()
    {
    }

    /** Encodes at {@code offset}; returns the record length. */
    public static int encode(
        final MutableDirectBuffer buffer,
        final int offset,
        final long timestampEpochNanos,
        final long samplesRecorded,
        final long samplesDropped,
        final long samplesDrained,
        final long ringOccupancyBytes,
        final long ringCapacityBytes,
        final long drainLagNanos,
        final long adviceErrors,
        final long labelOverflows)
    {
        buffer.putLong(offset + AgentStatsDescriptor.TIMESTAMP_EPOCH_NANOS_OFFSET, timestampEpochNanos, WireFormat.BYTE_ORDER);
        buffer.putLong(offset + AgentStatsDescriptor.SAMPLES_RECORDED_OFFSET, samplesRecorded, WireFormat.BYTE_ORDER);
        buffer.putLong(offset + AgentStatsDescriptor.SAMPLES_DROPPED_OFFSET, samplesDropped, WireFormat.BYTE_ORDER);
        buffer.putLong(offset + AgentStatsDescriptor.SAMPLES_DRAINED_OFFSET, samplesDrained, WireFormat.BYTE_ORDER);
        buffer.putLong(offset + AgentStatsDescriptor.RING_OCCUPANCY_BYTES_OFFSET, ringOccupancyBytes, WireFormat.BYTE_ORDER);
        buffer.putLong(offset + AgentStatsDescriptor.RING_CAPACITY_BYTES_OFFSET, ringCapacityBytes, WireFormat.BYTE_ORDER);
        buffer.putLong(offset + AgentStatsDescriptor.DRAIN_LAG_NANOS_OFFSET, drainLagNanos, WireFormat.BYTE_ORDER);
        buffer.putLong(offset + AgentStatsDescriptor.ADVICE_ERRORS_OFFSET, adviceErrors, WireFormat.BYTE_ORDER);
        buffer.putLong(offset + AgentStatsDescriptor.LABEL_OVERFLOWS_OFFSET, labelOverflows, WireFormat.BYTE_ORDER);
        RecordHeaderDescriptor.write(
            buffer, offset, AgentStatsDescriptor.RECORD_LENGTH, RecordType.AGENT_STATS, AgentStatsDescriptor.BLOCK_LENGTH);
        return AgentStatsDescriptor.RECORD_LENGTH;
    }
}
