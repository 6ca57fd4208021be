package io.hotpath.daemon.tail;

import io.hotpath.wire.RecordHeaderDescriptor;
import java.io.IOException;

/**
 * What in a cycle file may be trusted ({@link CycleFileReader}'s layout): a header that may stand at
 * an offset, Chronicle's own metadata documents, a body whose records add up to its length, and the
 * strict check a resync demands of a document before reading on from it (records add up, of known
 * types, a sound header after it). Reads through the reader's {@link FileWindow}.
 *
 * <p>Not thread-safe: one per open cycle file, owned by the aggregation thread.
 */
final class FramingChecks
{
    /** Chronicle's index documents are 32 KiB for our roll cycle; its file header far less. */
    private static final int MAX_METADATA = 1 << 20;

    private final FileWindow window;

    FramingChecks(final FileWindow window)
    {
        this.window = window;
    }

    /** Header and body of a data document that a resync may trust: records add up, of known types, and a sound header follows. */
    boolean strictDocumentAt(final long at, final int header) throws IOException
    {
        if ((header & (CycleFileReader.NOT_COMPLETE | CycleFileReader.META_DATA)) != 0)
        {
            return false;
        }
        final int length = header & CycleFileReader.LENGTH_MASK;
        if (length < RecordHeaderDescriptor.HEADER_LENGTH || length > CycleFileReader.MAX_DOCUMENT || !window.fill(at, 4 + RecordHeaderDescriptor.HEADER_LENGTH))
        {
            return false;
        }
        final int firstRecord = window.intAt(at + 4);
        final int firstType = window.byteAt(at + 4 + RecordHeaderDescriptor.TYPE_OFFSET);
        if (firstRecord < RecordHeaderDescriptor.HEADER_LENGTH || firstRecord > length || !RecordScan.knownType(firstType) || !window.fill(at, 4 + length))
        {
            return false;
        }
        return framingAddsUp(at + 4, length, true) && plausibleHeaderAt(CycleFileReader.align(at + 4 + length));
    }

    boolean strictDocumentWithin(final long from, final long to) throws IOException
    {
        for (long candidate = CycleFileReader.align(from); candidate + 4 < to; candidate += 4)
        {
            if (!window.fill(candidate, 4))
            {
                return false;
            }
            if (strictDocumentAt(candidate, window.intAt(candidate)))
            {
                return true;
            }
        }
        return false;
    }

    /** Whether the records of the body at {@code at} add up to exactly {@code length} bytes (window must hold it). */
    boolean framingAddsUp(final long at, final int length, final boolean strict)
    {
        int offset = 0;
        while (offset < length)
        {
            if (length - offset < RecordHeaderDescriptor.HEADER_LENGTH)
            {
                return false;
            }
            final long p = at + offset;
            final int recordLength = window.intAt(p);
            if (recordLength < RecordHeaderDescriptor.HEADER_LENGTH || recordLength > length - offset)
            {
                return false;
            }
            if (strict)
            {
                final int type = window.byteAt(p + RecordHeaderDescriptor.TYPE_OFFSET);
                if (!RecordScan.knownType(type))
                {
                    return false;
                }
            }
            offset += recordLength;
        }
        return true;
    }

    /**
     * Chronicle's own documents are small and in its binary wire: the body starts with an event
     * name ({@code header}, {@code index2index}, {@code index}), a type prefix or a field name.
     */
    boolean chronicleMetadataAt(final long at, final int length) throws IOException
    {
        if (length < 1 || length > MAX_METADATA || at + 4 + length > window.size() || !window.fill(at, 5))
        {
            return false;
        }
        final int first = window.byteAt(at + 4);
        return first == 0xB9 || first == 0xB6 || (first >= 0xC0 && first <= 0xDF);
    }

    /** A header that may stand at {@code at}: not yet written, end of cycle, metadata or a data header of sane length. */
    boolean plausibleHeaderAt(final long at) throws IOException
    {
        if (!window.fill(at, 4))
        {
            return true; // the end of the file
        }
        final int header = window.intAt(at);
        if (header == 0 || header == CycleFileReader.END_OF_CYCLE)
        {
            return true;
        }
        final int length = header & CycleFileReader.LENGTH_MASK;
        return length <= CycleFileReader.MAX_DOCUMENT && ((header & CycleFileReader.META_DATA) != 0 || length >= RecordHeaderDescriptor.HEADER_LENGTH);
    }
}
