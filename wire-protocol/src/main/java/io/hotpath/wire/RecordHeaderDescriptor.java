package io.hotpath.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The 8-byte header that starts every record.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Record Length (incl. header)                 |
 *  +---------------+---------------+-------------------------------+
 *  |     Type      |    Version    |         Block Length          |
 *  +---------------+---------------+-------------------------------+
 *  |                  Fixed block (Block Length bytes)            ...
 *  ...                Variable part / entries                     ...
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>{@code Version} is the format minor version the writer used for this record; {@code Block
 * Length} is the size of the fixed block that follows the header, so a reader finds the variable
 * part even when a newer writer appended fixed fields.
 */
public final class RecordHeaderDescriptor
{
    public static final int LENGTH_OFFSET = 0;
    public static final int TYPE_OFFSET = 4;
    public static final int VERSION_OFFSET = 5;
    public static final int BLOCK_LENGTH_OFFSET = 6;
    public static final int HEADER_LENGTH = 8;

    private RecordHeaderDescriptor()
    {
    }

    /** Offset of the fixed block of the record that starts at {@code recordOffset}. */
    public static int blockOffset(final int recordOffset)
    {
        return recordOffset + HEADER_LENGTH;
    }

    public static void write(
        final MutableDirectBuffer buffer, final int offset, final int recordLength, final int type, final int blockLength)
    {
        buffer.putInt(offset + LENGTH_OFFSET, recordLength, WireFormat.BYTE_ORDER);
        buffer.putByte(offset + TYPE_OFFSET, (byte)type);
        buffer.putByte(offset + VERSION_OFFSET, (byte)WireFormat.FORMAT_MINOR);
        buffer.putShort(offset + BLOCK_LENGTH_OFFSET, (short)blockLength, WireFormat.BYTE_ORDER);
    }

    public static int recordLength(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + LENGTH_OFFSET, WireFormat.BYTE_ORDER);
    }

    public static int type(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    public static int version(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + VERSION_OFFSET) & 0xFF;
    }

    public static int blockLength(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + BLOCK_LENGTH_OFFSET, WireFormat.BYTE_ORDER) & 0xFFFF;
    }
}
