package io.hotpath.wire;

import org.agrona.MutableDirectBuffer;

/** Writes a QUEUE_HEADER record; see {@link QueueHeaderDescriptor}. */
public final class QueueHeaderEncoder
{
    private QueueHeaderEncoder()
    {
    }

    public static int encodedLength(final String serviceName, final String host, final String agentVersion)
    {
        return RecordHeaderDescriptor.HEADER_LENGTH + QueueHeaderDescriptor.BLOCK_LENGTH +
            Utf8Strings.encodedLength(serviceName) + Utf8Strings.encodedLength(host) +
            Utf8Strings.encodedLength(agentVersion);
    }

    /** Encodes at {@code offset}; returns the record length. */
    public static int encode(
        final MutableDirectBuffer buffer,
        final int offset,
        final long pid,
        final long jvmStartEpochMillis,
        final String serviceName,
        final String host,
        final String agentVersion)
    {
        final int length = encodedLength(serviceName, host, agentVersion);
        buffer.putInt(offset + QueueHeaderDescriptor.MAGIC_OFFSET, WireFormat.MAGIC, WireFormat.BYTE_ORDER);
        buffer.putShort(offset + QueueHeaderDescriptor.FORMAT_MAJOR_OFFSET, (short)WireFormat.FORMAT_MAJOR, WireFormat.BYTE_ORDER);
        buffer.putShort(offset + QueueHeaderDescriptor.FORMAT_MINOR_OFFSET, (short)WireFormat.FORMAT_MINOR, WireFormat.BYTE_ORDER);
        buffer.putLong(offset + QueueHeaderDescriptor.PID_OFFSET, pid, WireFormat.BYTE_ORDER);
        buffer.putLong(offset + QueueHeaderDescriptor.JVM_START_EPOCH_MILLIS_OFFSET, jvmStartEpochMillis, WireFormat.BYTE_ORDER);
        int position = offset + RecordHeaderDescriptor.HEADER_LENGTH + QueueHeaderDescriptor.BLOCK_LENGTH;
        position = Utf8Strings.put(buffer, position, serviceName);
        position = Utf8Strings.put(buffer, position, host);
        Utf8Strings.put(buffer, position, agentVersion);
        RecordHeaderDescriptor.write(buffer, offset, length, RecordType.QUEUE_HEADER, QueueHeaderDescriptor.BLOCK_LENGTH);
        return length;
    }
}
