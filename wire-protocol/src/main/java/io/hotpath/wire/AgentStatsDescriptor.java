package io.hotpath.wire;

/**
 * Layout of the AGENT_STATS record: the agent's self-metrics, written periodically by its drain
 * thread. Counters are cumulative since the agent started. Offsets are from the record start.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Record header (type = 6), 8 bytes             |
 *  +---------------------------------------------------------------+
 *  |                Timestamp, epoch nanos (int64)                 |
 *  +---------------------------------------------------------------+
 *  |         Samples recorded into the ring (int64, total)         |
 *  +---------------------------------------------------------------+
 *  |         Samples dropped because the ring was full (int64)     |
 *  +---------------------------------------------------------------+
 *  |         Samples drained from the ring to the spool (int64)    |
 *  +---------------------------------------------------------------+
 *  |         Ring occupancy in bytes at the timestamp (int64)      |
 *  +---------------------------------------------------------------+
 *  |         Ring capacity in bytes (int64)                        |
 *  +---------------------------------------------------------------+
 *  |   Drain lag: age of the oldest sample drained, nanos (int64)  |
 *  +---------------------------------------------------------------+
 *  |   Throwables caught inside advice (int64, total)              |
 *  +---------------------------------------------------------------+
 *  |   Label values folded into "other" by the cardinality cap     |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class AgentStatsDescriptor
{
    public static final int TIMESTAMP_EPOCH_NANOS_OFFSET = 8;
    public static final int SAMPLES_RECORDED_OFFSET = 16;
    public static final int SAMPLES_DROPPED_OFFSET = 24;
    public static final int SAMPLES_DRAINED_OFFSET = 32;
    public static final int RING_OCCUPANCY_BYTES_OFFSET = 40;
    public static final int RING_CAPACITY_BYTES_OFFSET = 48;
    public static final int DRAIN_LAG_NANOS_OFFSET = 56;
    public static final int ADVICE_ERRORS_OFFSET = 64;
    public static final int LABEL_OVERFLOWS_OFFSET = 72;
    public static final int BLOCK_LENGTH = 72;
    public static final int RECORD_LENGTH = RecordHeaderDescriptor.HEADER_LENGTH + BLOCK_LENGTH;

    private AgentStatsDescriptor()
    {
    }
}
