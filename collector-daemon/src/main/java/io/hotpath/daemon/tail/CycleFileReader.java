package io.hotpath.daemon.tail;

import io.hotpath.wire.RecordHeaderDescriptor;
import io.hotpath.wire.SampleBatchDescriptor;
import io.hotpath.wire.WireFormat;
import java.io.IOException;
import java.nio.file.Path;
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
 * survive in the skipped bytes ({@link RecordScan}). Work per call is bounded ({@code budgetBytes}).
 * The file is read through a {@link FileWindow}; what may be trusted as a header or document is
 * {@link FramingChecks}.
 *
 * <p>Not thread-safe: one per queue, owned by the aggregation thread.
 *
 * <p>About 420 lines: the strict read, the resync and the bounded buffers are one state machine over
 * one file position; split, each part would need the others' position and budget.
 */
final class CycleFileReader implements AutoCloseable
{
    static final int NOT_COMPLETE = 0x80000000;
    static final int META_DATA = 0x40000000;
    static final int LENGTH_MASK = 0x3FFFFFFF;
    static final int END_OF_CYCLE = NOT_COMPLETE | META_DATA;
    /** Larger bodies are not ours: a batch record is at most 1 MiB and a document holds a few records. */
    static final int MAX_DOCUMENT = 8 * WireFormat.MAX_RECORD_LENGTH;
    private static final int READ_AHEAD = FileWindow.READ_AHEAD;
    private static final long ZEROS_MEAN_END = 1L << 20;

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
    private final FileWindow window;
    private final FramingChecks checks;
    private static final int DOCUMENT_COPY_BYTES = 16 * 1024;
    private byte[] documentBytes = new byte[DOCUMENT_COPY_BYTES];
    /** Documents since the copy buffer last grew that fitted the initial size (it shrinks back, as the window). */
    private int smallDocuments;
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
        this.window = new FileWindow(file);
        this.checks = new FramingChecks(window);
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
                if (!checks.chronicleMetadataAt(position, length) || !checks.plausibleHeaderAt(next))
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
            boolean addsUp = checks.framingAddsUp(position + 4, length, false);
            if (!addsUp)
            {
                reload(position); // a body read before its header was complete?
                addsUp = fill(position, 4 + length) && checks.framingAddsUp(position + 4, length, false);
            }
            copyDocument(position, length);
            if (!addsUp && (!checks.plausibleHeaderAt(next) || checks.strictDocumentWithin(position + 4, next)))
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
            else if (header == END_OF_CYCLE || checks.strictDocumentAt(candidate, header))
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

    /** What {@link #resync} stepped over since last taken (and whether a document was found cut off); resets it. */
    Skipped takeSkipped()
    {
        final Skipped skipped = new Skipped(skippedBytes, skippedDocuments, skippedSamples, truncated);
        discardSkipped();
        truncated = false;
        return skipped;
    }

    /** Forgets the bytes, document headers and samples stepped over (not a truncation found). */
    void discardSkipped()
    {
        skippedBytes = 0;
        skippedDocuments = 0;
        skippedSamples = 0;
    }

    /** Whether a document was found cut off by the end of the file since last asked. */
    boolean takeTruncated()
    {
        final boolean value = truncated;
        truncated = false;
        return value;
    }

    /**
     * Stepped over by a resync: bytes, document headers found in them, samples of the SAMPLE_BATCH /
     * SAMPLE records whose headers survive in them; and whether a document was found cut off.
     */
    record Skipped(long bytes, long documents, long samples, boolean truncated)
    {
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
            if (p < window.start() || p >= window.end())
            {
                break;
            }
            final int available = (int)(window.end() - p);
            tallyView.wrap(window.array(), (int)(p - window.start()), available);
            for (int i = 0; i < Math.min(chunk, available); i++)
            {
                if ((i & 3) == 0 && i + 12 <= available && RecordScan.plausibleDataHeader(tallyView, i))
                {
                    skippedDocuments++;
                }
                if (i + SampleBatchDescriptor.ENTRIES_OFFSET <= available)
                {
                    skippedSamples += RecordScan.samplesOfRecordAt(tallyView, i);
                }
            }
        }
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
            long i = p;
            final long end = window.end();
            for (; i + 8 <= end; i += 8)
            {
                if (window.longAt(i) != 0)
                {
                    break;
                }
            }
            for (; i < end; i++)
            {
                if (window.byteAt(i) != 0)
                {
                    return i;
                }
            }
            p = end;
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
        return window.intAt(at);
    }

    private boolean fill(final long at, final int length) throws IOException
    {
        return window.fill(at, length);
    }

    private boolean reload(final long at) throws IOException
    {
        return window.reload(at);
    }

    private long size() throws IOException
    {
        return window.size();
    }

    /** Bytes this reader holds for one queue: the file window and the document copy; bounded once large documents pass. */
    int bufferBytes()
    {
        return window.capacity() + documentBytes.length;
    }

    private void copyDocument(final long at, final int length)
    {
        if (documentBytes.length > DOCUMENT_COPY_BYTES)
        {
            smallDocuments = length > DOCUMENT_COPY_BYTES ? 0 : smallDocuments + 1;
            if (smallDocuments >= FileWindow.SHRINK_AFTER_SMALL_READS * 8)
            {
                documentBytes = new byte[DOCUMENT_COPY_BYTES];
                smallDocuments = 0;
            }
        }
        if (documentBytes.length < length)
        {
            documentBytes = new byte[Math.max(length, documentBytes.length * 2)];
        }
        window.copy(at + 4, documentBytes, length);
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
        window.close();
    }
}
