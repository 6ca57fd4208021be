package io.hotpath.agent.spool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

    private List<Path> cycleFiles() throws Exception
    {
        try (Stream<Path> files = Files.list(queue))
        {
            return files.filter(p -> p.toString().endsWith(".cq4")).sorted().toList();
        }
    }
}
