package io.hotpath.agent.spool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void aShutdownStopsItAtTheNextDocumentAndItsQueueIsStillDeleted() throws Exception
    {
        final AtomicInteger asked = new AtomicInteger();
        assertEquals(10, WritePathWarmUp.run(parent, 300, () -> asked.incrementAndGet() > 10));
        try (Stream<Path> left = Files.list(parent))
        {
            assertEquals(0, left.count(), "the scratch queue is deleted");
        }
    }

    @Test
    void theQueuesOfJvmsThatExitedMidWarmUpAreDeletedAndOthersLeftAlone() throws Exception
    {
        final Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(30, TimeUnit.SECONDS));
        final Path leftOver = Files.createDirectories(parent.resolve(WritePathWarmUp.SCRATCH_PREFIX + gone.pid() + "-1"));
        Files.write(leftOver.resolve("20261207-19F.cq4"), new byte[4096]);
        final Path live = Files.createDirectories(parent.resolve(WritePathWarmUp.SCRATCH_PREFIX + ProcessHandle.current().pid() + "-2"));
        final Path oldName = Files.createDirectories(parent.resolve(WritePathWarmUp.SCRATCH_PREFIX + "3"));
        final Path other = Files.createDirectories(parent.resolve("hotpath-spool"));

        assertEquals(5, WritePathWarmUp.run(parent, 5));

        assertFalse(Files.exists(leftOver), "the queue of a process that is gone");
        assertTrue(Files.isDirectory(live), "a running JVM's warm-up");
        assertTrue(Files.isDirectory(oldName), "a name without a pid is not judged");
        assertTrue(Files.isDirectory(other));
        try (Stream<Path> left = Files.list(parent))
        {
            assertEquals(3, left.count(), "its own scratch queue is deleted too");
        }
    }
}
