package io.hotpath.daemon.remotewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The remote-write backlog on disk: order, acknowledgement, restart cut at the checkpoint, torn tails, the size bound. */
class BacklogTest
{
    @TempDir
    Path dir;

    private static byte[] payload(final long seq, final int size)
    {
        final byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++)
        {
            bytes[i] = (byte)(seq * 31 + i);
        }
        return bytes;
    }

    @Test
    void readsInOrderAndResumesAfterTheAcknowledgedRecord() throws Exception
    {
        try (Backlog backlog = new Backlog(dir, 1 << 30))
        {
            backlog.open(-1);
            for (long seq = 1; seq <= 10; seq++)
            {
                backlog.append(seq, seq * 1000, (int)seq, payload(seq, 100));
            }
            for (long seq = 1; seq <= 4; seq++)
            {
                final Backlog.Entry entry = backlog.next(seq - 1);
                assertEquals(seq, entry.seq());
                assertEquals(seq * 1000, entry.timestampMillis());
                assertArrayEquals(payload(seq, 100), entry.payload());
                backlog.ackedUpTo(seq);
            }
        }
        // Restart with a checkpoint that covered up to 8: 9 and 10 are gone, 5 comes next.
        try (Backlog backlog = new Backlog(dir, 1 << 30))
        {
            backlog.open(8);
            assertEquals(4, backlog.acked());
            assertEquals(8, backlog.lastSeq());
            assertEquals(5, backlog.next(4).seq());
            backlog.append(9, 99_000, 1, payload(99, 10));
            assertEquals(6, backlog.next(5).seq());
            assertArrayEquals(payload(99, 10), backlog.next(8).payload());
        }
    }

    @Test
    void aTornTailIsDroppedAtOpen() throws Exception
    {
        try (Backlog backlog = new Backlog(dir, 1 << 30))
        {
            backlog.open(-1);
            backlog.append(1, 1000, 1, payload(1, 50));
            backlog.append(2, 2000, 1, payload(2, 50));
        }
        final Path segment;
        try (Stream<Path> files = Files.list(dir))
        {
            segment = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
        }
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE))
        {
            channel.truncate(channel.size() - 10); // kill -9 in the middle of record 2
        }
        try (Backlog backlog = new Backlog(dir, 1 << 30))
        {
            backlog.open(2);
            assertEquals(1, backlog.lastSeq());
            assertEquals(1, backlog.next(0).seq());
        }
    }

    @Test
    void aCorruptRecordEndsTheBacklog() throws Exception
    {
        try (Backlog backlog = new Backlog(dir, 1 << 30))
        {
            backlog.open(-1);
            for (long seq = 1; seq <= 3; seq++)
            {
                backlog.append(seq, seq, 1, payload(seq, 40));
            }
        }
        final Path segment;
        try (Stream<Path> files = Files.list(dir))
        {
            segment = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
        }
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(new byte[] { 1, 2, 3 }), Backlog.HEADER_BYTES + 40 + Backlog.HEADER_BYTES + 5);
        }
        try (Backlog backlog = new Backlog(dir, 1 << 30))
        {
            backlog.open(3);
            assertEquals(1, backlog.lastSeq());
        }
    }

    @Test
    void overItsLimitTheOldestSegmentIsDroppedAndCounted() throws Exception
    {
        try (Backlog backlog = new Backlog(dir, 4L << 20)) // 1 MiB segments
        {
            backlog.open(-1);
            for (long seq = 1; seq <= 100; seq++)
            {
                backlog.append(seq, seq, 10, payload(seq, 100_000));
            }
            assertTrue(backlog.bytes() <= (4L << 20) + 200_000, "bytes " + backlog.bytes());
            assertTrue(backlog.firstSeq() > 1);
            assertEquals((backlog.firstSeq() - 1) * 10, backlog.droppedSamples());
            assertEquals(backlog.firstSeq(), backlog.next(backlog.firstSeq() - 1).seq());
            assertNull(null);
        }
    }
}
