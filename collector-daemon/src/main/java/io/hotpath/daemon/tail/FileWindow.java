package io.hotpath.daemon.tail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A window of a file read with positional reads ({@link CycleFileReader}'s only access to a cycle
 * file): nothing is mapped, so a file cut or changed under the reader is only bytes that differ,
 * never a fault. Values are read little-endian at absolute file offsets inside the window.
 *
 * <p>Not thread-safe: one per open cycle file, owned by the aggregation thread.
 */
final class FileWindow implements AutoCloseable
{
    /** Bytes read at a time when nothing larger is needed: small at the live end of a file. */
    static final int READ_AHEAD = 64 * 1024;
    private static final int RELOAD_BYTES = 4096;
    /**
     * A window grown for a large document goes back to {@link #READ_AHEAD} after this many reads that needed
     * no more: one large document does not keep a large buffer for the rest of the cycle file (an hour),
     * for each queue; and a run of large documents does not reallocate it at every read.
     */
    static final int SHRINK_AFTER_SMALL_READS = 8;

    private final FileChannel channel;
    /** Grows to what a read needs; starts small, as one is held per live queue (resident memory of an idle daemon). */
    private ByteBuffer window = ByteBuffer.allocate(READ_AHEAD).order(ByteOrder.LITTLE_ENDIAN);
    private long start;
    private int length;
    private int smallReads;

    FileWindow(final Path file) throws IOException
    {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
    }

    /**
     * Makes {@code [at, at + length)} readable in the window.
     *
     * @return false when the file ends before.
     */
    boolean fill(final long at, final int wantedLength) throws IOException
    {
        if (at >= start && at + wantedLength <= start + length)
        {
            return true;
        }
        final int wanted = Math.max(wantedLength, READ_AHEAD);
        if (window.capacity() > READ_AHEAD)
        {
            smallReads = wanted > READ_AHEAD ? 0 : smallReads + 1;
            if (smallReads >= SHRINK_AFTER_SMALL_READS)
            {
                window = ByteBuffer.allocate(READ_AHEAD).order(ByteOrder.LITTLE_ENDIAN);
                smallReads = 0;
            }
        }
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
        start = at;
        length = window.position();
        return length >= wantedLength;
    }

    /** Reads the file again from {@code at}, whatever the window holds; false when the file ends there. */
    boolean reload(final long at) throws IOException
    {
        // Small: at the live end of a file this runs at every poll.
        window.clear();
        window.limit(RELOAD_BYTES);
        final int read = channel.read(window, at);
        start = at;
        length = Math.max(0, read);
        return length >= 4;
    }

    /** Bytes held for the window (its capacity). */
    int capacity()
    {
        return window.capacity();
    }

    /** File offset of the window's first byte. */
    long start()
    {
        return start;
    }

    /** File offset just after the window's last byte. */
    long end()
    {
        return start + length;
    }

    int intAt(final long at)
    {
        return window.getInt((int)(at - start));
    }

    long longAt(final long at)
    {
        return window.getLong((int)(at - start));
    }

    /** The unsigned byte at {@code at}. */
    int byteAt(final long at)
    {
        return window.get((int)(at - start)) & 0xFF;
    }

    /** The window's bytes (from index 0 = {@link #start}), for a view over them. */
    byte[] array()
    {
        return window.array();
    }

    void copy(final long at, final byte[] target, final int count)
    {
        window.get((int)(at - start), target, 0, count);
    }

    long size() throws IOException
    {
        return channel.size();
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
