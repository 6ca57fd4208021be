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
 *  +---------------------------------------------------------------+  end of the 1.0 block (72 bytes)
 *  |   Drain wake-up lateness: nanos the drain thread woke after   |
 *  |   the time it parked for (int64, total)                       |
 *  +---------------------------------------------------------------+
 *  |   GC pause time, nanos (int64, total; -1: unknown)            |
 *  +---------------------------------------------------------------+
 *  |   Time the JVM spent at safepoints, nanos (int64, total;      |
 *  |   -1: unknown)                                                |
 *  +---------------------------------------------------------------+
 *  |   Run-queue wait: per stats interval, the nanos the JVM's     |
 *  |   most starved thread waited for a CPU (int64, total; -1:     |
 *  |   unknown)                                                    |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>The last four fields tell how long the agent's JVM could not run its threads (paused for a
 * collection or another safepoint, stopped, or starved of CPU), appended to the 1.0 block: a reader
 * finds them only when the header's block length covers them ({@link AgentStatsDecoder} then returns
 * -1 for each), and a 1.0 reader skips them (it needs a block of at least {@link #MIN_BLOCK_LENGTH}).
 * Safepoint time includes the GC pauses; the drain's lateness is sampled at its wake-ups (a few to
 * tens a second), a direct reading of CPU starvation and stops the JVM's own counters do not see.
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
    public static final int DRAIN_LATE_NANOS_OFFSET = 80;
    public static final int GC_PAUSE_NANOS_OFFSET = 88;
    public static final int SAFEPOINT_NANOS_OFFSET = 96;
    public static final int RUN_QUEUE_WAIT_NANOS_OFFSET = 104;
    /** The block a format 1.0 agent writes, and the least a reader accepts. */
    public static final int MIN_BLOCK_LENGTH = 72;
    public static final int BLOCK_LENGTH = 104;
    public static final int RECORD_LENGTH = RecordHeaderDescriptor.HEADER_LENGTH + BLOCK_LENGTH;

    private AgentStatsDescriptor()
    {
    }
}
