package io.hotpath.wire;

import org.agrona.DirectBuffer;

/** Flyweight over an ERROR_TYPE_DEFINITION record; {@link #wrap} validates the whole record. */
public final class ErrorTypeDefinitionDecoder
{
    private DirectBuffer buffer;
    private int offset;
    private int recordLength;
    private int nameOffset;

    /** @return the record length. */
    public int wrap(final DirectBuffer buffer, final int offset, final int available)
    {
        recordLength = RecordBounds.checkHeader(
            buffer, offset, available, RecordType.ERROR_TYPE_DEFINITION, ErrorTypeDefinitionDescriptor.BLOCK_LENGTH);
        nameOffset = offset + RecordHeaderDescriptor.HEADER_LENGTH + RecordHeaderDescriptor.blockLength(buffer, offset);
        Utf8Strings.skip(buffer, nameOffset, offset + recordLength, "error type name");
        this.buffer = buffer;
        this.offset = offset;
        return recordLength;
    }

    public int recordLength()
    {
        return recordLength;
    }

    public int errorTypeId()
    {
        return buffer.getInt(offset + ErrorTypeDefinitionDescriptor.ERROR_TYPE_ID_OFFSET, WireFormat.BYTE_ORDER);
    }

    public String name()
    {
        return Utf8Strings.get(buffer, nameOffset);
    }
}
