package io.hotpath.daemon.remotewrite;

import io.hotpath.daemon.state.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The remote-write requests of one endpoint not yet acknowledged, on disk: segment files of
 * records {@code [magic][length][seq][timestamp][samples][crc32][snappy payload]}, appended by the
 * aggregation thread (a write into the page cache: survives {@code kill -9}) and read by the
 * endpoint's sender thread. The last acknowledged sequence number is kept in {@code acked}.
 *
 * <p>Bounded: beyond {@code maxBytes} the oldest segment is deleted and its unsent records are
 * counted as dropped. At start, {@link #open} keeps only records up to the sequence number the
 * checkpoint holds — later ones are rebuilt from the spool, which the daemon re-reads from the
 * checkpoint's positions — and drops a torn or corrupt tail.
 */
final class Backlog implements AutoCloseable
{
    private static final Logger LOG = Logger.getLogger(Backlog.class.getName());
    private static final int MAGIC = 0x48505257; // "HPRW"
    static final int HEADER_BYTES = 4 + 4 + 8 + 8 + 4 + 4;
    private static final String SUFFIX = ".seg";

    /** A record read back. */
    record Entry(long seq, long timestampMillis, int samples, byte[] payload)
    {
    }

    /** One segment file: its records' sequence numbers, size and sample count. */
    static final class Segment
    {
        final Path path;
        final long firstSeq;
        long lastSeq;
        long bytes;
        int records;
        long samples;

        Segment(final Path path, final long firstSeq)
        {
            this.path = path;
            this.firstSeq = firstSeq;
            this.lastSeq = firstSeq - 1;
        }
    }

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final List<Segment> segments = new ArrayList<>();
    private FileChannel appendChannel;
    private long totalBytes;
    private volatile long lastSeq;
    private volatile long acked;
    private long droppedRecords;
    private long droppedSamples;

    /** Reads records back for the sender thread. */
    private final BacklogReader reader = new BacklogReader(this);

    Backlog(final Path dir, final long maxBytes)
    {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = Math.max(1L << 20, Math.min(64L << 20, maxBytes / 8));
    }

    /**
     * Opens the backlog keeping records with sequence numbers up to {@code keepUpToSeq} (-1: none,
     * the state starts over) and reads the acknowledged sequence number.
     */
    synchronized void open(final long keepUpToSeq) throws IOException
    {
        Files.createDirectories(dir);
        final List<Path> files;
        try (Stream<Path> list = Files.list(dir))
        {
            files = list.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
        boolean truncated = false;
        long expected = -1;
        for (final Path file : files)
        {
            if (truncated || keepUpToSeq < 0)
            {
                Files.deleteIfExists(file);
                continue;
            }
            final Segment segment = scan(file, keepUpToSeq, expected);
            if (segment == null)
            {
                Files.deleteIfExists(file);
                truncated = true;
                continue;
            }
            segments.add(segment);
            totalBytes += segment.bytes;
            expected = segment.lastSeq + 1;
            if (Files.size(file) != segment.bytes)
            {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
                {
                    channel.truncate(segment.bytes);
                }
                truncated = true;
            }
        }
        // Numbering continues after what is on disk (or, when everything was acknowledged and deleted,
        // after the checkpoint's number), never below what the receiver acknowledged.
        final long ackedOnDisk = keepUpToSeq < 0 ? 0 : readAcked();
        final long kept = segments.isEmpty() ? Math.max(keepUpToSeq, 0) : segments.get(segments.size() - 1).lastSeq;
        lastSeq = Math.max(kept, ackedOnDisk);
        acked = Math.min(ackedOnDisk, lastSeq);
        if (keepUpToSeq < 0)
        {
            writeAcked(0);
        }
        // Drop segments whose records are all acknowledged.
        ackedUpTo(acked);
    }

    /** The records of {@code file} up to {@code keepUpToSeq}, stopping at the first bad one; null when none is kept. */
    private Segment scan(final Path file, final long keepUpToSeq, final long expectedFirst) throws IOException
    {
        final long firstSeq;
        try
        {
            firstSeq = Long.parseLong(file.getFileName().toString().replace(SUFFIX, ""));
        }
        catch (final NumberFormatException e)
        {
            return null;
        }
        if (expectedFirst >= 0 && firstSeq != expectedFirst)
        {
            LOG.warning("remote-write backlog " + file + " does not follow its predecessor; dropped with what follows");
            return null;
        }
        final Segment segment = new Segment(file, firstSeq);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long size = channel.size();
            long position = 0;
            final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            while (position + HEADER_BYTES <= size)
            {
                header.clear();
                channel.read(header, position);
                header.flip();
                if (header.getInt() != MAGIC)
                {
                    break;
                }
                final int length = header.getInt();
                final long seq = header.getLong();
                header.getLong();
                final int samples = header.getInt();
                final int crc = header.getInt();
                if (length < 0 || position + HEADER_BYTES + length > size || seq != segment.lastSeq + 1 || seq > keepUpToSeq)
                {
                    break;
                }
                final ByteBuffer payload = ByteBuffer.allocate(length);
                channel.read(payload, position + HEADER_BYTES);
                final CRC32 check = new CRC32();
                check.update(payload.array());
                if ((int)check.getValue() != crc)
                {
                    LOG.warning("remote-write backlog " + file + ": record " + seq + " is corrupt; dropped with what follows");
                    break;
                }
                position += HEADER_BYTES + length;
                segment.lastSeq = seq;
                segment.records++;
                segment.samples += samples;
            }
            segment.bytes = position;
        }
        return segment.records == 0 ? null : segment;
    }

    /** Appends the record {@code seq} (= {@link #lastSeq()} + 1). Aggregation thread. */
    void append(final long seq, final long timestampMillis, final int samples, final byte[] payload) throws IOException
    {
        final CRC32 crc = new CRC32();
        crc.update(payload);
        final ByteBuffer record = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        record.putInt(MAGIC).putInt(payload.length).putLong(seq).putLong(timestampMillis).putInt(samples).putInt((int)crc.getValue());
        record.put(payload).flip();
        synchronized (this)
        {
            Segment current = segments.isEmpty() ? null : segments.get(segments.size() - 1);
            if (current == null || current.bytes >= segmentBytes || appendChannel == null)
            {
                if (appendChannel != null)
                {
                    appendChannel.close();
                    appendChannel = null;
                }
                if (current == null || current.bytes >= segmentBytes)
                {
                    current = new Segment(dir.resolve(String.format("%020d", seq) + SUFFIX), seq);
                    segments.add(current);
                }
                appendChannel = FileChannel.open(current.path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            }
            while (record.hasRemaining())
            {
                appendChannel.write(record);
            }
            current.lastSeq = seq;
            current.records++;
            current.samples += samples;
            current.bytes += HEADER_BYTES + payload.length;
            totalBytes += HEADER_BYTES + payload.length;
            lastSeq = seq;
            while (totalBytes > maxBytes && segments.size() > 1)
            {
                dropOldest();
            }
        }
    }

    private void dropOldest() throws IOException
    {
        final Segment oldest = segments.remove(0);
        totalBytes -= oldest.bytes;
        if (oldest.lastSeq > acked)
        {
            // Records not yet acknowledged: count what is lost (approximately per record when part was sent).
            final long unsent = oldest.lastSeq - Math.max(acked, oldest.firstSeq - 1);
            droppedRecords += unsent;
            droppedSamples += oldest.records == 0 ? 0 : oldest.samples * unsent / oldest.records;
        }
        Files.deleteIfExists(oldest.path);
        LOG.warning("remote-write backlog over its limit (" + maxBytes + " bytes): dropped " + oldest.path.getFileName());
    }

    long lastSeq()
    {
        return lastSeq;
    }

    long acked()
    {
        return acked;
    }

    /** Oldest sequence number still on disk (lastSeq + 1 when empty). */
    synchronized long firstSeq()
    {
        return segments.isEmpty() ? lastSeq + 1 : segments.get(0).firstSeq;
    }

    synchronized long bytes()
    {
        return totalBytes;
    }

    synchronized long droppedRecords()
    {
        return droppedRecords;
    }

    synchronized long droppedSamples()
    {
        return droppedSamples;
    }

    /**
     * The record after {@code seq}, which must exist ({@code seq < lastSeq}); null when it was
     * dropped (the caller skips to {@link #firstSeq}). Sender thread.
     */
    Entry next(final long seq) throws IOException
    {
        return reader.next(seq);
    }

    /** The segment holding {@code seq}, or null when none does (dropped, or not yet written). */
    synchronized Segment segmentHolding(final long seq)
    {
        for (final Segment segment : segments)
        {
            if (segment.firstSeq <= seq && seq <= segment.lastSeq)
            {
                return segment;
            }
        }
        return null;
    }

    /** Records up to {@code seq} were acknowledged: persist, and delete segments entirely acknowledged. */
    void ackedUpTo(final long seq) throws IOException
    {
        if (seq != acked)
        {
            writeAcked(seq);
        }
        synchronized (this)
        {
            acked = seq;
            while (segments.size() > 1 && segments.get(0).lastSeq <= seq)
            {
                final Segment done = segments.remove(0);
                totalBytes -= done.bytes;
                Files.deleteIfExists(done.path);
            }
        }
    }

    private long readAcked()
    {
        try
        {
            return Long.parseLong(Files.readString(dir.resolve("acked")).trim());
        }
        catch (final IOException | NumberFormatException e)
        {
            return 0;
        }
    }

    private void writeAcked(final long seq) throws IOException
    {
        AtomicFile.write(dir.resolve("acked"), Long.toString(seq).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void close() throws IOException
    {
        if (appendChannel != null)
        {
            appendChannel.close();
            appendChannel = null;
        }
        reader.close();
    }
}
