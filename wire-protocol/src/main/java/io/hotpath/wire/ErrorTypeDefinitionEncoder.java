package io.hotpath.wire;

import org.agrona.MutableDirectBuffer;

/** Writes an ERROR_TYPE_DEFINITION record; see {@link ErrorTypeDefinitionDescriptor}. */
public final class ErrorTypeDefinitionEncoder
{
    private ErrorTypeDefinitionEncoder()
    {
    }

    public static int encodedLength(final String name)
    {
        return RecordHeaderDescriptor.HEADER_LENGTH + ErrorTypeDefinitionDescriptor.BLOCK_LENGTH +
            Utf8Strings.encodedLength(name);
    }

    /** Encodes at {@code offset}; returns the record length. */
    public static int encode(final MutableDirectBuffer buffer, final int offset, final int errorTypeId, final String name)
    {
        final int length = encodedLength(name);
        buffer.putInt(offset + ErrorTypeDefinitionDescriptor.ERROR_TYPE_ID_OFFSET, errorTypeId, WireFormat.BYTE_ORDER);
        buffer.putInt(offset + ErrorTypeDefinitionDescriptor.ERROR_TYPE_ID_OFFSET + 4, 0, WireFormat.BYTE_ORDER);
        Utf8Strings.put(buffer, offset + RecordHeaderDescriptor.HEADER_LENGTH + ErrorTypeDefinitionDescriptor.BLOCK_LENGTH, name);
        RecordHeaderDescriptor.write(
            buffer, offset, length, RecordType.ERROR_TYPE_DEFINITION, ErrorTypeDefinitionDescriptor.BLOCK_LENGTH);
        return length;
    }
}
