package io.hotpath.agent.record;

import org.agrona.concurrent.ringbuffer.RecordDescriptor;

/**
 * Layout of one sample in the agent's ring buffer (the message body after Agrona's 8-byte record
 * header). Native byte order: only this JVM reads it.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                           Series Id                           |
 *  +---------------------------------------------------------------+
 *  |                 Error Type Id (0 = outcome ok)                |
 *  +---------------------------------------------------------------+
 *  |              End, System.nanoTime() (int64)                   |
 *  +---------------------------------------------------------------+
 *  |              Duration, nanos (int64)                          |
 *  +---------------------------------------------------------------+
 *  |              Payload bytes, -1 = unknown (int64)              |
 *  +---------------------------------------------------------------+
 *  |              reserved: trace id (16 bytes), span id (8 bytes) |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * With Agrona's header a record is exactly {@link #RECORD_LENGTH} = 64 bytes: one cache line per
 * sample, so two producers never write the same line, and a power-of-two ring holds a whole number
 * of records (no padding records, so the producer position divided by 64 counts samples exactly).
 */
public final class RingSampleDescriptor
{
    public static final int MSG_TYPE_SAMPLE = 1;

    public static final int SERIES_ID_OFFSET = 0;
    public static final int ERROR_TYPE_ID_OFFSET = 4;
    public static final int END_NANO_TIME_OFFSET = 8;
    public static final int DURATION_NANOS_OFFSET = 16;
    public static final int PAYLOAD_BYTES_OFFSET = 24;
    public static final int MESSAGE_LENGTH = 56;
    public static final int RECORD_LENGTH = MESSAGE_LENGTH + RecordDescriptor.HEADER_LENGTH;

    private RingSampleDescriptor()
    {
    }
}
