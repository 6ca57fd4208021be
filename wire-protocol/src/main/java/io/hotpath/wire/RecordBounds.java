package io.hotpath.wire;

import org.agrona.DirectBuffer;

/** Validation shared by the decoders: every check throws {@link MalformedRecordException}, nothing else. */
final class RecordBounds
{
    private RecordBounds()
    {
    }

    /**
     * Validates the header of a record of {@code expectedType} at {@code offset} with {@code available}
     * bytes readable, and returns its record length.
     */
    static int checkHeader(
        final DirectBuffer buffer, final int offset, final int available, final int expectedType, final int minBlockLength)
    {
        final int recordLength = checkFraming(buffer, offset, available);
        final int type = RecordHeaderDescriptor.type(buffer, offset);
        if (type != expectedType)
        {
            throw new MalformedRecordException(
                MalformedRecordException.WRONG_TYPE, offset + RecordHeaderDescriptor.TYPE_OFFSET,
                "expected a " + RecordType.name(expectedType) + " record, found " + RecordType.name(type));
        }
        final int blockLength = RecordHeaderDescriptor.blockLength(buffer, offset);
        if (blockLength < minBlockLength)
        {
            throw new MalformedRecordException(
                MalformedRecordException.BAD_LENGTH, offset + RecordHeaderDescriptor.BLOCK_LENGTH_OFFSET,
                RecordType.name(type) + " block length " + blockLength + " is below the minimum " + minBlockLength);
        }
        if (RecordHeaderDescriptor.HEADER_LENGTH + blockLength > recordLength)
        {
            throw new MalformedRecordException(
                MalformedRecordException.BAD_LENGTH, offset + RecordHeaderDescriptor.BLOCK_LENGTH_OFFSET,
                RecordType.name(type) + " block length " + blockLength + " exceeds the record length " + recordLength);
        }
        return recordLength;
    }

    /** Validates buffer bounds and the record length field; returns the record length. */
    static int checkFraming(final DirectBuffer buffer, final int offset, final int available)
    {
        if (offset < 0 || available < 0 || (long)offset + available > buffer.capacity())
        {
            throw new MalformedRecordException(
                MalformedRecordException.BAD_LENGTH, offset,
                "region [" + offset + ", +" + available + ") lies outside the buffer of capacity " + buffer.capacity());
        }
        if (available < RecordHeaderDescriptor.HEADER_LENGTH)
        {
            throw new MalformedRecordException(
                MalformedRecordException.TRUNCATED, offset,
                "record header needs " + RecordHeaderDescriptor.HEADER_LENGTH + " bytes, " + available + " available");
        }
        final int recordLength = RecordHeaderDescriptor.recordLength(buffer, offset);
        if (recordLength < RecordHeaderDescriptor.HEADER_LENGTH || recordLength > WireFormat.MAX_RECORD_LENGTH)
        {
            throw new MalformedRecordException(
                MalformedRecordException.BAD_LENGTH, offset + RecordHeaderDescriptor.LENGTH_OFFSET,
                "record length " + recordLength + " is outside [" + RecordHeaderDescriptor.HEADER_LENGTH + ", " +
                WireFormat.MAX_RECORD_LENGTH + "]");
        }
        if (recordLength > available)
        {
            throw new MalformedRecordException(
                MalformedRecordException.TRUNCATED, offset + RecordHeaderDescriptor.LENGTH_OFFSET,
                "record length " + recordLength + " exceeds the " + available + " bytes available");
        }
        return recordLength;
    }
}
