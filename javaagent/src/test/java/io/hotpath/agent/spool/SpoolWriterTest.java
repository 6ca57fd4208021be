package io.hotpath.agent.spool;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpoolWriterTest
{
    @TempDir
    Path queue;

    @Test
    void sizeCapDeletesOldestCyclesAndReportsTheirSamples() throws Exception
    {
        final SpoolWriter writer = new SpoolWriter(queue, "TEST_SECONDLY", 1500);
        final byte[] document = new byte[1000];
        long lost = 0;
        for (int i = 0; i < 4; i++)
        {
            writer.write(document, document.length, 10);
            lost += writer.enforceCap();
            Thread.sleep(1050);
        }
        writer.write(document, document.length, 10);
        lost += writer.enforceCap();
        final List<Path> cycles = cycleFiles();
        assertEquals(1, cycles.size(), cycles.toString());
        assertEquals(40, lost);
        writer.close();
        assertTrue(Files.exists(queue.resolve(SpoolDirectory.CLOSED_MARKER)));
        for (final Path file : Files.list(queue).toList())
        {
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
        }
    }

    /**
     * Chronicle maps {@link SpoolWriter#BLOCK_BYTES} at a time (its default, 64 MiB, stalled the
     * application while its releaser unmapped 80 MiB): the cycle file grows chunk by chunk, and documents
     * that cross a chunk boundary read back whole.
     */
    @Test
    void smallChunksAndDocumentsAcrossTheirBoundariesReadBackWhole() throws Exception
    {
        final SpoolWriter writer = new SpoolWriter(queue, "FAST_HOURLY", 1L << 40);
        final int documents = 20;
        final byte[] document = new byte[1 << 20];
        for (int i = 0; i < documents; i++)
        {
            Arrays.fill(document, (byte)i);
            document[document.length - 1] = (byte)~i;
            writer.write(document, document.length, 1);
        }
        final Path cycle = cycleFiles().get(0);
        // 20 MiB written: three 8 MiB chunks and the overlap are mapped, not Chronicle's 64 + 16 MiB
        assertTrue(Files.size(cycle) <= 4 * SpoolWriter.BLOCK_BYTES, cycle + ": " + Files.size(cycle) + " bytes");
        writer.close();
        try (ChronicleQueue read = SingleChronicleQueueBuilder
            .binary(queue).readOnly(true).build())
        {
            final ExcerptTailer tailer = read.createTailer();
            int found = 0;
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    if (dc.isMetaData())
                    {
                        continue;
                    }
                    final Bytes<?> bytes = dc.wire().bytes();
                    assertEquals(document.length, bytes.readRemaining(), "document " + found);
                    assertEquals((byte)found, bytes.readByte(bytes.readPosition()), "document " + found);
                    assertEquals((byte)~found, bytes.readByte(bytes.readPosition() + document.length - 1), "document " + found);
                    found++;
                }
            }
            assertEquals(documents, found);
        }
    }

    private List<Path> cycleFiles() throws Exception
    {
        try (Stream<Path> files = Files.list(queue))
        {
            return files.filter(p -> p.toString().endsWith(".cq4")).sorted().toList();
        }
    }
}
