package io.hotpath.agent.record;

import org.agrona.concurrent.ringbuffer.RecordDescriptor;

/**
 * Layout of one sample in the agent's ring buffer (the message body after Agrona's 8-byte record
 * header: length, message type). Native byte order: only this JVM reads it; the queue's wire format
 * ({@code wire-protocol}) is written by the drain thread and does not depend on it.
 *
 * <p>Two record forms, told apart by their length:
 * <ul>
 *   <li><b>Compact</b>, 32 bytes with the header, for untraced samples (nearly all): the series id
 *       and error type id travel in Agrona's message type ({@link #compactType}), the body holds
 *       three longs. Two samples share a cache line, so a thread recording back to back writes a new
 *       line every other sample, and the drain reads half the memory.
 *       <pre>
 *  | End, System.nanoTime() (int64) | Duration, nanos (int64) | Payload bytes, -1 = unknown (int64) |
 *       </pre></li>
 *   <li><b>Wide</b>, 64 bytes, for samples inside a span ({@link #MSG_TYPE_TRACED_SAMPLE}) and for
 *       ids that do not fit the compact type ({@link #MSG_TYPE_WIDE_SAMPLE}, trace fields not written):
 *       <pre>
 *  | Series Id (int32) | Error Type Id (int32) | End (int64) | Duration (int64) | Payload (int64) |
 *  | Trace id high (int64) | Trace id low (int64) | Span id (int64)                               |
 *       </pre></li>
 * </ul>
 * Both lengths divide the (power-of-two) stripe capacity; a wide record that would straddle the end
 * of a stripe makes Agrona write a 32-byte padding record first, which readers skip.
 */
public final class RingSampleDescriptor
{
    /** Bits of the compact message type holding the series id (ids are below {@code SeriesRegistry.MAX_SERIES}). */
    public static final int SERIES_BITS = 20;
    public static final int SERIES_MASK = (1 << SERIES_BITS) - 1;
    /** Error type ids of compact records: 0 (ok) … 2046; the registry hands out at most ~1 030. */
    public static final int MAX_COMPACT_ERROR_TYPE_ID = (1 << (31 - SERIES_BITS)) - 2;

    // compact form
    public static final int COMPACT_END_NANO_TIME_OFFSET = 0;
    public static final int COMPACT_DURATION_NANOS_OFFSET = 8;
    public static final int COMPACT_PAYLOAD_BYTES_OFFSET = 16;
    public static final int COMPACT_MESSAGE_LENGTH = 24;
    public static final int COMPACT_RECORD_LENGTH = COMPACT_MESSAGE_LENGTH + RecordDescriptor.HEADER_LENGTH;

    // wide form
    /** A wide sample recorded inside a valid span: trace fields written. */
    public static final int MSG_TYPE_TRACED_SAMPLE = 2;
    /** A wide sample outside a span (an id too large for the compact form): trace fields not written. */
    public static final int MSG_TYPE_WIDE_SAMPLE = 1;
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

    /** Whether a sample of these ids fits the compact form. */
    public static boolean fitsCompact(final int seriesId, final int errorTypeId)
    {
        return seriesId <= SERIES_MASK && errorTypeId >= 0 && errorTypeId <= MAX_COMPACT_ERROR_TYPE_ID;
    }

    /** The message type of a compact record (positive, as Agrona requires: series ids start at 1). */
    public static int compactType(final int seriesId, final int errorTypeId)
    {
        return seriesId | errorTypeId << SERIES_BITS;
    }

    public static int compactSeriesId(final int msgTypeId)
    {
        return msgTypeId & SERIES_MASK;
    }

    public static int compactErrorTypeId(final int msgTypeId)
    {
        return msgTypeId >>> SERIES_BITS;
    }
}
