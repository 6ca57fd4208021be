package io.hotpath.agent.record;

import org.agrona.concurrent.ringbuffer.RecordDescriptor;

/**
 * Layout of one sample in the agent's ring buffer (the message body after Agrona's 8-byte record
 * header). Native byte order: only this JVM reads it.
 *
 * <p>The Agrona message type says whether the trace fields are written: {@link #MSG_TYPE_SAMPLE}
 * leaves them as whatever an earlier lap of the ring left there (an untraced sample writes exactly
 * what it wrote before trace capture existed), {@link #MSG_TYPE_TRACED_SAMPLE} fills them.
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
 *  |        Trace id, high 64 bits (traced samples only)           |
 *  +---------------------------------------------------------------+
 *  |        Trace id, low 64 bits (traced samples only)            |
 *  +---------------------------------------------------------------+
 *  |        Span id (traced samples only)                          |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * With Agrona's header a record is exactly {@link #RECORD_LENGTH} = 64 bytes: one cache line per
 * sample, so two producers never write the same line, and a power-of-two ring holds a whole number
 * of records (no padding records, so the producer position divided by 64 counts samples exactly).
 */
public final class RingSampleDescriptor
{
    /** A sample recorded outside any valid span: trace fields not written. */
    public static final int MSG_TYPE_SAMPLE = 1;
    /** A sample recorded inside a valid span: trace fields written. */
    public static final int MSG_TYPE_TRACED_SAMPLE = 2;

    public static final int SERIES_ID_OFFSET = 0;
    public static final int ERROR_TYPE_ID_OFFSET = 4;
    public static final int END_NANO_TIME_OFFSET = 8;
    public static final int DURATION_NANOS_OFFSET = 16;
    public static final int PAYLOAD_BYTES_OFFSET = 24;
    public static final int TRACE_ID_HIGH_OFFSET = 32;
    public static final int TRACE_ID_LOW_OFFSET = 40;
    public static final int SPAN_ID_OFFSET = 48;
    public static final int MESSAGE_LENGTH = 56;
    public static final int RECORD_LENGTH = MESSAGE_LENGTH + RecordDescriptor.HEADER_LENGTH;

    private RingSampleDescriptor()
    {
    }
}
