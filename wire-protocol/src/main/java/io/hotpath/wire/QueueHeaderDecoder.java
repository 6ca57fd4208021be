package io.hotpath.wire;

import org.agrona.DirectBuffer;

/**
 * Flyweight over a QUEUE_HEADER record. {@link #wrap} validates the whole record, magic and major
 * version included, so the accessors cannot fail afterwards.
 */
public final class QueueHeaderDecoder
{
    private DirectBuffer buffer;
    private int offset;
    private int recordLength;
    private int serviceNameOffset;
    private int hostOffset;
    private int agentVersionOffset;

    /**
     * @param source names the stream in error messages (a queue directory, a peer address).
     * @return the record length.
     * @throws UnsupportedFormatException for a wrong magic or a newer major version.
     * @throws MalformedRecordException for a truncated or inconsistent record.
     */
    public int wrap(final DirectBuffer buffer, final int offset, final int available, final String source)
    {
        recordLength = RecordBounds.checkHeader(
            buffer, offset, available, RecordType.QUEUE_HEADER, QueueHeaderDescriptor.BLOCK_LENGTH);
        final int magic = buffer.getInt(offset + QueueHeaderDescriptor.MAGIC_OFFSET, WireFormat.BYTE_ORDER);
        if (magic != WireFormat.MAGIC)
        {
            throw new UnsupportedFormatException(
                UnsupportedFormatException.BAD_MAGIC, source, offset + QueueHeaderDescriptor.MAGIC_OFFSET,
                String.format("not a hotpath stream: magic 0x%08x, expected 0x%08x", magic, WireFormat.MAGIC));
        }
        final int major = buffer.getShort(offset + QueueHeaderDescriptor.FORMAT_MAJOR_OFFSET, WireFormat.BYTE_ORDER) & 0xFFFF;
        final int minor = buffer.getShort(offset + QueueHeaderDescriptor.FORMAT_MINOR_OFFSET, WireFormat.BYTE_ORDER) & 0xFFFF;
        if (major != WireFormat.FORMAT_MAJOR)
        {
            throw new UnsupportedFormatException(
                UnsupportedFormatException.UNSUPPORTED_VERSION, source, offset + QueueHeaderDescriptor.FORMAT_MAJOR_OFFSET,
                "written in hotpath wire format " + major + "." + minor + "; this reader supports " +
                WireFormat.FORMAT_MAJOR + ".x (up to " + WireFormat.FORMAT_MAJOR + "." + WireFormat.FORMAT_MINOR +
                " fully, newer minors by skipping unknown fields)");
        }
        final int limit = offset + recordLength;
        serviceNameOffset = offset + RecordHeaderDescriptor.HEADER_LENGTH + RecordHeaderDescriptor.blockLength(buffer, offset);
        hostOffset = Utf8Strings.skip(buffer, serviceNameOffset, limit, "service name");
        agentVersionOffset = Utf8Strings.skip(buffer, hostOffset, limit, "host");
        Utf8Strings.skip(buffer, agentVersionOffset, limit, "agent version");
        this.buffer = buffer;
        this.offset = offset;
        return recordLength;
    }

    public int recordLength()
    {
        return recordLength;
    }

    public int formatMajor()
    {
        return buffer.getShort(offset + QueueHeaderDescriptor.FORMAT_MAJOR_OFFSET, WireFormat.BYTE_ORDER) & 0xFFFF;
    }

    public int formatMinor()
    {
        return buffer.getShort(offset + QueueHeaderDescriptor.FORMAT_MINOR_OFFSET, WireFormat.BYTE_ORDER) & 0xFFFF;
    }

    public long pid()
    {
        return buffer.getLong(offset + QueueHeaderDescriptor.PID_OFFSET, WireFormat.BYTE_ORDER);
    }

    public long jvmStartEpochMillis()
    {
        return buffer.getLong(offset + QueueHeaderDescriptor.JVM_START_EPOCH_MILLIS_OFFSET, WireFormat.BYTE_ORDER);
    }

    public String serviceName()
    {
        return Utf8Strings.get(buffer, serviceNameOffset);
    }

    public String host()
    {
        return Utf8Strings.get(buffer, hostOffset);
    }

    public String agentVersion()
    {
        return Utf8Strings.get(buffer, agentVersionOffset);
    }
}
