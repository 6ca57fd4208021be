package io.hotpath.daemon.tail;

import io.hotpath.wire.RecordHeaderDescriptor;
import io.hotpath.wire.RecordType;
import io.hotpath.wire.SampleBatchDescriptor;
import io.hotpath.wire.SampleDescriptor;
import io.hotpath.wire.WireFormat;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * What raw bytes tell of our wire records without decoding them: the samples of SAMPLE_BATCH /
 * SAMPLE records whose headers survive in damaged or skipped bytes (counted as lost), and whether a
 * Chronicle data header followed by one of our records could start at an offset (a document header
 * stepped over). Used where bytes are given up on: {@link CycleFileReader}'s resync and
 * {@link QueueTailer}'s malformed documents.
 */
final class RecordScan
{
    /** The largest SAMPLE_BATCH block a header found in damaged bytes may claim and still count. */
    private static final int MAX_BATCH_BLOCK = 64;

    private RecordScan()
    {
    }

    /**
     * Counts samples whose record headers survive in {@code [offset, offset + length)} of the
     * current document (the rest of a document the decoder gave up on).
     */
    static long samplesIn(final DirectBuffer buffer, final int offset, final int length)
    {
        long samples = 0;
        for (int p = offset; p + SampleBatchDescriptor.ENTRIES_OFFSET <= offset + length; p++)
        {
            samples += samplesOfRecordAt(buffer, p);
        }
        return samples;
    }

    /** A Chronicle data header followed by something that starts like one of our records. */
    static boolean plausibleDataHeader(final DirectBuffer view, final int i)
    {
        final int header = view.getInt(i, ByteOrder.LITTLE_ENDIAN);
        if ((header & (CycleFileReader.NOT_COMPLETE | CycleFileReader.META_DATA)) != 0)
        {
            return false;
        }
        final int length = header & CycleFileReader.LENGTH_MASK;
        if (length < RecordHeaderDescriptor.HEADER_LENGTH || length > CycleFileReader.MAX_DOCUMENT)
        {
            return false;
        }
        final int recordLength = view.getInt(i + 4, WireFormat.BYTE_ORDER);
        final int type = view.getByte(i + 4 + RecordHeaderDescriptor.TYPE_OFFSET) & 0xFF;
        return recordLength >= RecordHeaderDescriptor.HEADER_LENGTH && recordLength <= length && knownType(type);
    }

    /** The samples of a SAMPLE_BATCH (or SAMPLE) record whose header is at {@code p}, else 0. */
    static long samplesOfRecordAt(final DirectBuffer view, final int p)
    {
        final int type = view.getByte(p + RecordHeaderDescriptor.TYPE_OFFSET) & 0xFF;
        final int recordLength = view.getInt(p + RecordHeaderDescriptor.LENGTH_OFFSET, WireFormat.BYTE_ORDER);
        if (type == RecordType.SAMPLE)
        {
            final int entry = recordLength - RecordHeaderDescriptor.HEADER_LENGTH;
            return entry == SampleDescriptor.UNTRACED_LENGTH || entry == SampleDescriptor.TRACED_LENGTH ? 1 : 0;
        }
        if (type != RecordType.SAMPLE_BATCH)
        {
            return 0;
        }
        final int blockLength = view.getShort(p + RecordHeaderDescriptor.BLOCK_LENGTH_OFFSET, WireFormat.BYTE_ORDER) & 0xFFFF;
        final int count = view.getInt(p + SampleBatchDescriptor.COUNT_OFFSET, WireFormat.BYTE_ORDER);
        final int entryLength = view.getShort(p + SampleBatchDescriptor.ENTRY_LENGTH_OFFSET, WireFormat.BYTE_ORDER) & 0xFFFF;
        // block 8 (older writers) or 16 (with the write time); a later minor may add more
        if (blockLength < SampleBatchDescriptor.MIN_BLOCK_LENGTH || blockLength > MAX_BATCH_BLOCK ||
            entryLength < SampleDescriptor.UNTRACED_LENGTH || entryLength > 256 ||
            count <= 0 || count > SampleBatchDescriptor.maxEntries(entryLength) ||
            recordLength != RecordHeaderDescriptor.HEADER_LENGTH + blockLength + count * entryLength)
        {
            return 0;
        }
        return count;
    }

    static boolean knownType(final int type)
    {
        return type >= RecordType.QUEUE_HEADER && type <= RecordType.AGENT_STATS;
    }
}
