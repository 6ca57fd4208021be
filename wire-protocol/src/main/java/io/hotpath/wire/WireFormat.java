package io.hotpath.wire;

import java.nio.ByteOrder;

/**
 * Constants of the hotpath wire format, version {@value #FORMAT_MAJOR}.{@value #FORMAT_MINOR}.
 *
 * <p>A stream (a Chronicle Queue written by one JVM, or a TCP connection) is a sequence of
 * self-delimiting records, each starting with the {@link RecordHeaderDescriptor common header}.
 * The first record of a stream is a {@link QueueHeaderDescriptor queue header}; series and error
 * types are defined by their own records before the first sample that refers to them.
 *
 * <p>Compatibility rules:
 * <ul>
 *   <li>All multi-byte values are little-endian ({@link #BYTE_ORDER}).</li>
 *   <li>A new <em>minor</em> version may append fields to a record's fixed block or after its
 *       variable part; readers skip what they do not know, guided by the header's block length and
 *       record length.</li>
 *   <li>A new <em>major</em> version is incompatible; readers reject the stream with
 *       {@link UnsupportedFormatException}.</li>
 * </ul>
 */
public final class WireFormat
{
    /** {@code "HPTH"} read as a little-endian int: the first four bytes of a queue header's fixed block. */
    public static final int MAGIC = 0x48545048;

    public static final int FORMAT_MAJOR = 1;
    public static final int FORMAT_MINOR = 0;

    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

    /** Upper bound of one record, large enough for a batch of 16 384 traced samples. */
    public static final int MAX_RECORD_LENGTH = 1 << 20;

    /** Upper bound of one encoded string (metric names, label keys and values, host names). */
    public static final int MAX_STRING_LENGTH = 1024;

    /** Upper bound of label pairs on one series. */
    public static final int MAX_LABELS = 32;

    private WireFormat()
    {
    }
}
