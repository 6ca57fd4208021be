package io.hotpath.daemon.remotewrite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * Reads a {@link Backlog}'s records back in sequence order, segment by segment, for the endpoint's
 * sender thread. Keeps its place between calls: the usual call asks for the record after the last
 * one it returned, which is the next one in the open segment.
 *
 * <p>Sender thread only; segment lookups lock the backlog, as appends and drops do.
 */
final class BacklogReader
{
    private final Backlog backlog;
    private FileChannel channel;
    private Backlog.Segment segment;
    private long position;
    private long seq = -1;

    BacklogReader(final Backlog backlog)
    {
        this.backlog = backlog;
    }

    /**
     * The record after {@code after}, which must exist; null when it was dropped (the caller skips
     * to {@link Backlog#firstSeq}).
     */
    Backlog.Entry next(final long after) throws IOException
    {
        if (seq != after || channel == null)
        {
            seek(after);
        }
        if (channel == null)
        {
            return null;
        }
        while (true)
        {
            if (position >= segment.bytes || position + Backlog.HEADER_BYTES > channel.size())
            {
                if (!openSegment(after + 1))
                {
                    return null;
                }
                continue;
            }
            final ByteBuffer header = ByteBuffer.allocate(Backlog.HEADER_BYTES);
            channel.read(header, position);
            header.flip();
            header.getInt();
            final int length = header.getInt();
            final long recordSeq = header.getLong();
            final long timestamp = header.getLong();
            final int samples = header.getInt();
            header.getInt();
            final ByteBuffer payload = ByteBuffer.allocate(length);
            channel.read(payload, position + Backlog.HEADER_BYTES);
            position += Backlog.HEADER_BYTES + length;
            seq = recordSeq;
            if (recordSeq <= after)
            {
                continue;
            }
            return new Backlog.Entry(recordSeq, timestamp, samples, payload.array());
        }
    }

    private void seek(final long after) throws IOException
    {
        if (!openSegment(after + 1))
        {
            return;
        }
        seq = segment.firstSeq - 1;
    }

    /** Opens the segment holding {@code wanted} for reading, from its start. */
    private boolean openSegment(final long wanted) throws IOException
    {
        final Backlog.Segment found = backlog.segmentHolding(wanted);
        close();
        if (found == null)
        {
            return false;
        }
        segment = found;
        channel = FileChannel.open(found.path, StandardOpenOption.READ);
        position = 0;
        seq = found.firstSeq - 1;
        return true;
    }

    void close() throws IOException
    {
        if (channel != null)
        {
            channel.close();
            channel = null;
        }
    }
}
