package io.hotpath.wire;

/**
 * Layout of the QUEUE_HEADER record, the first record of every stream. Offsets are from the record start.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Record header (type = 1), 8 bytes             |
 *  +---------------------------------------------------------------+
 *  |                       Magic "HPTH"                            |
 *  +-------------------------------+-------------------------------+
 *  |         Format Major          |         Format Minor          |
 *  +-------------------------------+-------------------------------+
 *  |                          Process Id                           |
 *  |                            (int64)                            |
 *  +---------------------------------------------------------------+
 *  |                 JVM start time, epoch millis                  |
 *  |                            (int64)                            |
 *  +---------------------------------------------------------------+
 *  |  service name, host, agent version: uint16 length + UTF-8    ...
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class QueueHeaderDescriptor
{
    public static final int MAGIC_OFFSET = 8;
    public static final int FORMAT_MAJOR_OFFSET = 12;
    public static final int FORMAT_MINOR_OFFSET = 14;
    public static final int PID_OFFSET = 16;
    public static final int JVM_START_EPOCH_MILLIS_OFFSET = 24;
    /** Fixed block after the record header: magic .. JVM start. */
    public static final int BLOCK_LENGTH = 24;

    private QueueHeaderDescriptor()
    {
    }
}
