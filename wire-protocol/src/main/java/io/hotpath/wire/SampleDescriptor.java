package io.hotpath.wire;

/**
 * Layout of one sample entry: the body of a SAMPLE record (after its 8-byte header) and each
 * entry of a SAMPLE_BATCH. Offsets are from the entry start.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                           Series Id                           |
 *  +---------------------------------------------------------------+
 *  |               Error Type Id (0 when outcome is OK)            |
 *  +---------------------------------------------------------------+
 *  |                  End timestamp, epoch nanos                   |
 *  |                            (int64)                            |
 *  +---------------------------------------------------------------+
 *  |                       Duration, nanos                         |
 *  |                            (int64)                            |
 *  +---------------------------------------------------------------+
 *  |               Payload size in bytes, -1 = unknown             |
 *  |                            (int64)                            |
 *  +---------------+---------------+-------------------------------+
 *  |    Outcome    |     Flags     |           reserved            |
 *  +---------------+---------------+-------------------------------+
 *  |                           reserved                            |
 *  +===============================================================+  40: UNTRACED_LENGTH
 *  |          Trace Id, 16 bytes (high then low int64)             |
 *  |                   present when Flags & TRACED                 |
 *  +---------------------------------------------------------------+
 *  |                       Span Id (int64)                         |
 *  +---------------------------------------------------------------+  64: TRACED_LENGTH
 * </pre>
 *
 * An entry is {@link #UNTRACED_LENGTH} or {@link #TRACED_LENGTH} bytes; a longer entry written by a
 * newer minor version is read up to {@link #TRACED_LENGTH} and the rest skipped.
 */
public final class SampleDescriptor
{
    public static final int SERIES_ID_OFFSET = 0;
    public static final int ERROR_TYPE_ID_OFFSET = 4;
    public static final int END_EPOCH_NANOS_OFFSET = 8;
    public static final int DURATION_NANOS_OFFSET = 16;
    public static final int PAYLOAD_BYTES_OFFSET = 24;
    public static final int OUTCOME_OFFSET = 32;
    public static final int FLAGS_OFFSET = 33;
    public static final int TRACE_ID_HIGH_OFFSET = 40;
    public static final int TRACE_ID_LOW_OFFSET = 48;
    public static final int SPAN_ID_OFFSET = 56;

    public static final int UNTRACED_LENGTH = 40;
    public static final int TRACED_LENGTH = 64;

    public static final byte OUTCOME_OK = 0;
    public static final byte OUTCOME_ERROR = 1;

    /** Flag bit: the trace and span id fields are present and valid. */
    public static final byte FLAG_TRACED = 1;

    public static final long PAYLOAD_UNKNOWN = -1;

    private SampleDescriptor()
    {
    }
}
