package io.hotpath.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Strings on the wire: a little-endian {@code uint16} byte length followed by that many UTF-8
 * bytes, at most {@link WireFormat#MAX_STRING_LENGTH}.
 */
public final class Utf8Strings
{
    public static final int LENGTH_PREFIX = 2;

    private Utf8Strings()
    {
    }

    /** UTF-8 length of {@code value} as {@code String.getBytes(UTF_8)} encodes it, without allocating. */
    public static int utf8Length(final CharSequence value)
    {
        int length = 0;
        for (int i = 0, n = value.length(); i < n; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                length += 1;
            }
            else if (c < 0x800)
            {
                length += 2;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                length += 4;
                i++;
            }
            else if (Character.isSurrogate(c))
            {
                length += 1; // an unpaired surrogate is encoded as '?', as String.getBytes(UTF_8) does
            }
            else
            {
                length += 3;
            }
        }
        return length;
    }

    /** Bytes {@code value} takes on the wire, prefix included; throws if it is too long to encode. */
    public static int encodedLength(final String value)
    {
        final int length = utf8Length(value);
        if (length > WireFormat.MAX_STRING_LENGTH)
        {
            throw new IllegalArgumentException(
                "string of " + length + " UTF-8 bytes exceeds the limit of " + WireFormat.MAX_STRING_LENGTH);
        }
        return LENGTH_PREFIX + length;
    }

    /** Writes {@code value} at {@code offset}; returns the offset after it. */
    public static int put(final MutableDirectBuffer buffer, final int offset, final String value)
    {
        final int length = buffer.putStringWithoutLengthUtf8(offset + LENGTH_PREFIX, value);
        if (length > WireFormat.MAX_STRING_LENGTH)
        {
            throw new IllegalArgumentException(
                "string of " + length + " UTF-8 bytes exceeds the limit of " + WireFormat.MAX_STRING_LENGTH);
        }
        buffer.putShort(offset, (short)length, WireFormat.BYTE_ORDER);
        return offset + LENGTH_PREFIX + length;
    }

    /**
     * Validates the string at {@code offset} against {@code limit} (exclusive end of the record)
     * and returns the offset after it.
     */
    public static int skip(final DirectBuffer buffer, final int offset, final int limit, final String field)
    {
        if (offset + LENGTH_PREFIX > limit)
        {
            throw new MalformedRecordException(
                MalformedRecordException.TRUNCATED, offset, "length of " + field + " runs past the record end " + limit);
        }
        final int length = buffer.getShort(offset, WireFormat.BYTE_ORDER) & 0xFFFF;
        if (length > WireFormat.MAX_STRING_LENGTH)
        {
            throw new MalformedRecordException(
                MalformedRecordException.BAD_LENGTH, offset,
                field + " is " + length + " bytes, limit " + WireFormat.MAX_STRING_LENGTH);
        }
        final int end = offset + LENGTH_PREFIX + length;
        if (end > limit)
        {
            throw new MalformedRecordException(
                MalformedRecordException.TRUNCATED, offset,
                field + " of " + length + " bytes runs past the record end " + limit);
        }
        return end;
    }

    /** Reads a string previously validated by {@link #skip}. */
    public static String get(final DirectBuffer buffer, final int offset)
    {
        final int length = buffer.getShort(offset, WireFormat.BYTE_ORDER) & 0xFFFF;
        return buffer.getStringWithoutLengthUtf8(offset + LENGTH_PREFIX, length);
    }
}
