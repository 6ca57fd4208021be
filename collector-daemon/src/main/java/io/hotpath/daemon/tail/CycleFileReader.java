package io.hotpath.daemon.tail;

import io.hotpath.wire.RecordHeaderDescriptor;
import io.hotpath.wire.RecordType;
import io.hotpath.wire.SampleBatchDescriptor;
import io.hotpath.wire.SampleDescriptor;
import io.hotpath.wire.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads the documents of one Chronicle Queue cycle file straight from the file with positional
 * reads, instead of through Chronicle's tailer. Chronicle maps the file and trusts it: on a damaged
 * file it stalls for seconds waiting for a header, throws checked exceptions through unchecked
 * signatures, faults (SIGBUS) on a truncated mapping, or walks into garbage and stops for good.
 * Here a damaged file is only bytes: nothing can fault, nothing waits, and garbage is stepped over.
 *
 * <p>The layout read (Chronicle Queue 5, stable on disk): documents back to back, each a 4-byte
 * little-endian header at a 4-byte aligned position — bit 31 "not complete" (being written), bit 30
 * "metadata" (Chronicle's own header and index documents), the low 30 bits the body length — then
 * the body. A zero header is where the writer has not written yet; {@code 0xC0000000} marks the end
 * of a rolled cycle. Our data documents hold whole wire records back to back (SPOOL.md), which lets
 * a document be checked: its record lengths must add up to its body length exactly.
 *
 * <p>{@link #next} never goes past a header it cannot trust; {@link #resync} then scans forward,
 * 4 bytes at a time, for the next document that passes the strict check, and tallies what it
 * stepped over: bytes, document headers, and the samples of SAMPLE_BATCH records whose headers
 * survive in the skipped bytes. Work per call is bounded ({@code budgetBytes}).
 *
 * <p>Not thread-safe: one per queue, owned by the aggregation thread.
 */
final class CycleFileReader implements AutoCloseable
{
    static final int NOT_COMPLETE = 0x80000000;
    static final int META_DATA = 0x40000000;
    static final int LENGTH_MASK = 0x3FFFFFFF;
    static final int END_OF_CYCLE = NOT_COMPLETE | META_DATA;
    /** Larger bodies are not ours: a batch record is at most 1 MiB and a document holds a few records. */
    static final int MAX_DOCUMENT = 8 * WireFormat.MAX_RECORD_LENGTH;
    /** Bytes read at a time when nothing larger is needed: small at the live end of a file. */
    private static final int READ_AHEAD = 64 * 1024;
    private static final long ZEROS_MEAN_END = 1L << 20;
    private static final int RELOAD_BYTES = 4096;
    /** Chronicle's index documents are 32 KiB for our roll cycle; its file header far less. */
    private static final int MAX_METADATA = 1 << 20;

    enum Step
    {
        /** A document was read: {@link #document()}, {@link #documentLength()}; the position moved past it. */
        DOCUMENT,
        /** Nothing (complete) at the position yet: the writer has not got there. */
        NOTHING_YET,
        /** The end-of-cycle marker, or (for a finished file) the end of its data. */
        END,
        /** The header at the position cannot be trusted: {@link #resync} before reading on. */
        GARBAGE
    }

    private final Path file;
    private final FileChannel channel;
    private ByteBuffer window = ByteBuffer.allocate(256 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    private long windowStart;
    private int windowLength;
    private byte[] documentBytes = new byte[64 * 1024];
    private final UnsafeBuffer document = new UnsafeBuffer(new byte[0]);
    private int documentLength;
    private long documentPosition;
    private long position;

    // What resync stepped over since the last takeSkipped*().
    private long skippedBytes;
    private long skippedDocuments;
    private long skippedSamples;
    private boolean truncated;
    private final UnsafeBuffer tallyView = new UnsafeBuffer(new byte[0]);

    CycleFileReader(final Path file, final long position) throws IOException
    {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.position = align(position);
    }

    Path file()
    {
        return file;
    }

    /** Where the next header is read. */
    long position()
    {
        return position;
    }

    /** Offset in the file of the last document's header. */
    long documentPosition()
    {
        return documentPosition;
    }

    UnsafeBuffer document()
    {
        return document;
    }

    int documentLength()
    {
        return documentLength;
    }

    /**
     * Reads the next document.
     *
     * @param finished the file gets nothing more (a later cycle file exists, or its writer is gone):
     *                 an incomplete document or a zero header is then damage, not a write in progress.
     */
    Step next(final boolean finished) throws IOException
    {
        while (true)
        {
            if (!fill(position, 4))
            {
                // The file ends here: a truncated file (or an empty one still being created).
                return finished ? Step.END : Step.NOTHING_YET;
            }
            int header = intAt(position);
            if (header == 0 || (header & NOT_COMPLETE) != 0)
            {
                // The window may hold bytes read before the writer wrote them: look again at the file itself.
                if (!reload(position))
                {
                    return finished ? Step.END : Step.NOTHING_YET;
                }
                header = intAt(position);
            }
            if (header == 0)
            {
                if (!finished)
                {
                    return Step.NOTHING_YET;
                }
                return zerosToTheEnd(position) ? Step.END : Step.GARBAGE;
            }
            if (header == END_OF_CYCLE)
            {
                return Step.END;
            }
            if ((header & NOT_COMPLETE) != 0)
            {
                return finished ? Step.GARBAGE : Step.NOTHING_YET;
            }
            final int length = header & LENGTH_MASK;
            final long next = align(position + 4 + length);
            if ((header & META_DATA) != 0)
            {
                // Chronicle's own documents (file header, indexes): skipped, when they end where a header can start.
                if (!chronicleMetadataAt(position, length) || !plausibleHeaderAt(next))
                {
                    return Step.GARBAGE;
                }
                position = next;
                continue;
            }
            if (length < RecordHeaderDescriptor.HEADER_LENGTH || length > MAX_DOCUMENT)
            {
                return Step.GARBAGE;
            }
            if (!fill(position, 4 + length))
            {
                // A complete header whose body runs past the end of the file: the file was cut.
                if (finished)
                {
                    truncated = true;
                    return Step.GARBAGE;
                }
                return Step.NOTHING_YET;
            }
            // A body whose records do not add up is still a document (the writer wrote bad records: the
            // decoder counts them) when the next header is sound and no sound document hides inside
            // it; otherwise its header is damage, and trusting its length would skip good documents.
            boolean addsUp = framingAddsUp(position + 4, length, false);
            if (!addsUp)
            {
                reload(position); // a body read before its header was complete?
                addsUp = fill(position, 4 + length) && framingAddsUp(position + 4, length, false);
            }
            copyDocument(position, length);
            if (!addsUp && (!plausibleHeaderAt(next) || strictDocumentWithin(position + 4, next)))
            {
                return Step.GARBAGE;
            }
            position = next;
            return Step.DOCUMENT;
        }
    }

    /**
     * From an untrusted header at the position, scans forward for the next document that passes
     * the strict check, at most {@code budgetBytes} per call.
     *
     * @return true when the position is at a document (or at the end of the written data) again;
     *         false when the budget ran out first (call again).
     */
    boolean resync(final long budgetBytes, final boolean finished) throws IOException
    {
        final long from = position;
        long candidate = position + 4;
        final long limit = position + Math.max(4, budgetBytes);
        boolean found = false;
        while (candidate < limit)
        {
            if (!fill(candidate, 4))
            {
                found = true; // the end of the file
                break;
            }
            final int header = intAt(candidate);
            if (header == 0)
            {
                final long nonZero = finished ? firstNonZero(candidate) : -1;
                if (nonZero < 0)
                {
                    found = true;
                    break;
                }
                candidate = Math.max(candidate + 4, nonZero & ~3L);
                continue;
            }
            else if (header == END_OF_CYCLE || strictDocumentAt(candidate, header))
            {
                found = true;
                break;
            }
            candidate += 4;
        }
        tally(from, candidate);
        position = candidate;
        return found;
    }

    /** Bytes stepped over by {@link #resync} since last taken. */
    long takeSkippedBytes()
    {
        final long value = skippedBytes;
        skippedBytes = 0;
        return value;
    }

    /** Document headers found in the bytes stepped over since last taken. */
    long takeSkippedDocuments()
    {
        final long value = skippedDocuments;
        skippedDocuments = 0;
        return value;
    }

    /** Samples of the SAMPLE_BATCH / SAMPLE records whose headers survive in the bytes stepped over. */
    long takeSkippedSamples()
    {
        final long value = skippedSamples;
        skippedSamples = 0;
        return value;
    }

    /** Whether a document was found cut off by the end of the file since last asked. */
    boolean takeTruncated()
    {
        final boolean value = truncated;
        truncated = false;
        return value;
    }

    /**
     * Counts samples whose record headers survive in {@code [offset, offset + length)} of the
     * current document (the rest of a document the decoder gave up on).
     */
    static long samplesIn(final org.agrona.DirectBuffer buffer, final int offset, final int length)
    {
        long samples = 0;
        for (int p = offset; p + SampleBatchDescriptor.ENTRIES_OFFSET <= offset + length; p++)
        {
            samples += samplesOfRecordAt(buffer, p);
        }
        return samples;
    }

    private void tally(final long from, final long to) throws IOException
    {
        if (to <= from)
        {
            return;
        }
        skippedBytes += to - from;
        for (long p = from; p < to; p += READ_AHEAD)
        {
            final int chunk = (int)Math.min(READ_AHEAD, to - p);
            // 16 bytes more, so that a record header straddling the chunk's end is still seen.
            fill(p, chunk + SampleBatchDescriptor.ENTRIES_OFFSET);
            if (p < windowStart || p >= windowStart + windowLength)
            {
                break;
            }
            final int available = (int)(windowStart + windowLength - p);
            tallyView.wrap(window.array(), (int)(p - windowStart), available);
            for (int i = 0; i < Math.min(chunk, available); i++)
            {
                if ((i & 3) == 0 && i + 12 <= available && plausibleDataHeader(tallyView, i))
                {
                    skippedDocuments++;
                }
                if (i + SampleBatchDescriptor.ENTRIES_OFFSET <= available)
                {
                    skippedSamples += samplesOfRecordAt(tallyView, i);
                }
            }
        }
    }

    /** A Chronicle data header followed by something that starts like one of our records. */
    private static boolean plausibleDataHeader(final UnsafeBuffer view, final int i)
    {
        final int header = view.getInt(i, ByteOrder.LITTLE_ENDIAN);
        if ((header & (NOT_COMPLETE | META_DATA)) != 0)
        {
            return false;
        }
        final int length = header & LENGTH_MASK;
        if (length < RecordHeaderDescriptor.HEADER_LENGTH || length > MAX_DOCUMENT)
        {
            return false;
        }
        final int recordLength = view.getInt(i + 4, WireFormat.BYTE_ORDER);
        final int type = view.getByte(i + 4 + RecordHeaderDescriptor.TYPE_OFFSET) & 0xFF;
        return recordLength >= RecordHeaderDescriptor.HEADER_LENGTH && recordLength <= length && knownType(type);
    }

    /** The samples of a SAMPLE_BATCH (or SAMPLE) record whose header is at {@code p}, else 0. */
    private static long samplesOfRecordAt(final org.agrona.DirectBuffer view, final int p)
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
        if (blockLength != SampleBatchDescriptor.BLOCK_LENGTH || entryLength < SampleDescriptor.UNTRACED_LENGTH || entryLength > 256 ||
            count <= 0 || count > SampleBatchDescriptor.maxEntries(entryLength) ||
            recordLength != SampleBatchDescriptor.recordLength(count, entryLength))
        {
            return 0;
        }
        return count;
    }

    private static boolean knownType(final int type)
    {
        return type >= RecordType.QUEUE_HEADER && type <= RecordType.AGENT_STATS;
    }

    /** Header and body of a data document that a resync may trust: records add up, of known types, and a sound header follows. */
    private boolean strictDocumentAt(final long at, final int header) throws IOException
    {
        if ((header & (NOT_COMPLETE | META_DATA)) != 0)
        {
            return false;
        }
        final int length = header & LENGTH_MASK;
        if (length < RecordHeaderDescriptor.HEADER_LENGTH || length > MAX_DOCUMENT || !fill(at, 4 + RecordHeaderDescriptor.HEADER_LENGTH))
        {
            return false;
        }
        final int firstRecord = intAt(at + 4);
        final int firstType = window.get((int)(at + 4 - windowStart) + RecordHeaderDescriptor.TYPE_OFFSET) & 0xFF;
        if (firstRecord < RecordHeaderDescriptor.HEADER_LENGTH || firstRecord > length || !knownType(firstType) || !fill(at, 4 + length))
        {
            return false;
        }
        return framingAddsUp(at + 4, length, true) && plausibleHeaderAt(align(at + 4 + length));
    }

    private boolean strictDocumentWithin(final long from, final long to) throws IOException
    {
        for (long candidate = align(from); candidate + 4 < to; candidate += 4)
        {
            if (!fill(candidate, 4))
            {
                return false;
            }
            if (strictDocumentAt(candidate, intAt(candidate)))
            {
                return true;
            }
        }
        return false;
    }

    /** Whether the records of the body at {@code at} add up to exactly {@code length} bytes (window must hold it). */
    private boolean framingAddsUp(final long at, final int length, final boolean strict)
    {
        int offset = 0;
        while (offset < length)
        {
            if (length - offset < RecordHeaderDescriptor.HEADER_LENGTH)
            {
                return false;
            }
            final long p = at + offset;
            final int recordLength = window.getInt((int)(p - windowStart));
            if (recordLength < RecordHeaderDescriptor.HEADER_LENGTH || recordLength > length - offset)
            {
                return false;
            }
            if (strict)
            {
                final int type = window.get((int)(p - windowStart) + RecordHeaderDescriptor.TYPE_OFFSET) & 0xFF;
                if (!knownType(type))
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
    private boolean chronicleMetadataAt(final long at, final int length) throws IOException
    {
        if (length < 1 || length > MAX_METADATA || at + 4 + length > size() || !fill(at, 5))
        {
            return false;
        }
        final int first = window.get((int)(at + 4 - windowStart)) & 0xFF;
        return first == 0xB9 || first == 0xB6 || (first >= 0xC0 && first <= 0xDF);
    }

    /** A header that may stand at {@code at}: not yet written, end of cycle, metadata or a data header of sane length. */
    private boolean plausibleHeaderAt(final long at) throws IOException
    {
        if (!fill(at, 4))
        {
            return true; // the end of the file
        }
        final int header = intAt(at);
        if (header == 0 || header == END_OF_CYCLE)
        {
            return true;
        }
        final int length = header & LENGTH_MASK;
        return length <= MAX_DOCUMENT && ((header & META_DATA) != 0 || length >= RecordHeaderDescriptor.HEADER_LENGTH);
    }

    /** Whether nothing but zeros follows {@code from} to the end of the file (a finished file's unused tail). */
    private boolean zerosToTheEnd(final long from) throws IOException
    {
        return firstNonZero(from) < 0;
    }

    /** Offset of the first non-zero byte from {@code from} within a megabyte; -1 when none (the unused rest of a file). */
    private long firstNonZero(final long from) throws IOException
    {
        long p = from;
        // Chronicle writes a file front to back: a megabyte of zeros is the unused (sparse) rest of it.
        while (p - from < ZEROS_MEAN_END && fill(p, 1))
        {
            int i = (int)(p - windowStart);
            final int end = windowLength;
            for (; i + 8 <= end; i += 8)
            {
                if (window.getLong(i) != 0)
                {
                    break;
                }
            }
            for (; i < end; i++)
            {
                if (window.get(i) != 0)
                {
                    return windowStart + i;
                }
            }
            p = windowStart + windowLength;
        }
        return -1;
    }

    /**
     * For a file still being written: whether the reader waits at a header that no write in
     * progress explains — zero or "not complete" with non-zero bytes after it (a hole or damage
     * behind the writer). The caller acts only when it sees the same position twice, a second apart.
     */
    boolean waitingAtDamage() throws IOException
    {
        if (!reload(position))
        {
            return false;
        }
        final int header = intAt(position);
        if (header == END_OF_CYCLE)
        {
            return false;
        }
        if (header != 0)
        {
            return (header & NOT_COMPLETE) != 0;
        }
        return firstNonZero(position + 4) >= 0 && reload(position) && intAt(position) == 0;
    }

    private int intAt(final long at)
    {
        return window.getInt((int)(at - windowStart));
    }

    /**
     * Makes {@code [at, at + length)} readable in the window.
     *
     * @return false when the file ends before.
     */
    private boolean fill(final long at, final int length) throws IOException
    {
        if (at >= windowStart && at + length <= windowStart + windowLength)
        {
            return true;
        }
        final int wanted = Math.max(length, READ_AHEAD);
        if (window.capacity() < wanted)
        {
            window = ByteBuffer.allocate(Math.max(wanted, window.capacity() * 2)).order(ByteOrder.LITTLE_ENDIAN);
        }
        window.clear();
        window.limit(wanted);
        long p = at;
        while (window.hasRemaining())
        {
            final int read = channel.read(window, p);
            if (read <= 0)
            {
                break;
            }
            p += read;
        }
        windowStart = at;
        windowLength = window.position();
        return windowLength >= length;
    }

    /** Reads the file again from {@code at}, whatever the window holds; false when the file ends there. */
    private boolean reload(final long at) throws IOException
    {
        // Small: at the live end of a file this runs at every poll.
        window.clear();
        window.limit(RELOAD_BYTES);
        final int read = channel.read(window, at);
        windowStart = at;
        windowLength = Math.max(0, read);
        return windowLength >= 4;
    }

    private long size() throws IOException
    {
        return channel.size();
    }

    private void copyDocument(final long at, final int length)
    {
        if (documentBytes.length < length)
        {
            documentBytes = new byte[Math.max(length, documentBytes.length * 2)];
        }
        window.get((int)(at + 4 - windowStart), documentBytes, 0, length);
        documentPosition = at;
        documentLength = length;
        document.wrap(documentBytes, 0, length);
    }

    static long align(final long position)
    {
        return (position + 3) & ~3L;
    }

    @Override
    public void close()
    {
        try
        {
            channel.close();
        }
        catch (final IOException e)
        {
            // Read-only: nothing to lose.
        }
    }
}
