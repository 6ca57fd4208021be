package io.hotpath.agent.spool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The drain's write-path warm-up ({@link WritePathWarmUp}) writes real documents through {@link SpoolWriter}
 * into a scratch queue, leaves nothing behind, and never fails the drain when it cannot run.
 */
class WritePathWarmUpTest
{
    @TempDir
    Path parent;

    @Test
    void writesEveryDocumentAndDeletesTheScratchQueue() throws Exception
    {
        assertEquals(300, WritePathWarmUp.run(parent, 300));
        try (Stream<Path> left = Files.list(parent))
        {
            assertEquals(0, left.count(), "the scratch queue is deleted");
        }
    }

    @Test
    void aParentThatIsNotADirectoryOnlySkipsTheWarmUp() throws Exception
    {
        final Path file = Files.createFile(parent.resolve("not-a-directory"));
        assertEquals(0, WritePathWarmUp.run(file, 300));
        assertTrue(Files.isRegularFile(file));
    }
}
