package io.hotpath.agent.spool;

import io.hotpath.agent.AgentLog;
import io.hotpath.wire.SpoolLayoutDescriptor;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.BooleanSupplier;

/**
 * Gets the drain's once-a-document code compiled before the real queue opens. At low rates the drain
 * writes one document a second, so every method that runs once per document (Chronicle's appender:
 * {@code writingDocument}, its write lock, header and index upkeep, the document's close; {@link SpoolWriter}
 * and {@link CycleFileGuard}) stays interpreted until the JIT's invocation thresholds are reached: about
 * 200 calls for C1 and 5 000 for C2, that is minutes to hours at one call a second. perf on the drain thread
 * at 1 000 samples/s, 40–70 s after start: a third of its CPU in the interpreter (RESULTS.md).
 *
 * <p>So when the spool opens, the drain thread writes {@link #DOCUMENTS} small documents through the same
 * {@link SpoolWriter} into a scratch queue in a private temporary directory (0700, outside every spool
 * hotpathd reads) and deletes it. Best effort: any failure only means the code compiles later, as before.
 */
final class WritePathWarmUp
{
    /**
     * Well past C1's thresholds (the per-document methods are compiled after a few hundred); C2 follows
     * after some thousands of real documents. About 0.2 s of the drain thread's CPU, once (RESULTS.md).
     */
    static final int DOCUMENTS = 2_500;
    /** The scratch queue's size cap (never enforced: the warm-up writes ~1 MB and deletes the queue). */
    private static final long SCRATCH_MAX_BYTES = 64L << 20;
    static final String SCRATCH_PREFIX = "hotpath-warmup-";
    /** Bytes per scratch document: like a small document of samples. */
    private static final int DOCUMENT_BYTES = 256;

    private WritePathWarmUp()
    {
    }

    static int run(final Path parent, final int documents)
    {
        return run(parent, documents, () -> false);
    }

    /**
     * Writes the scratch documents in a new directory under {@code parent} (the JVM's temporary
     * directory when null), stopping early once {@code stop} says so (the JVM is shutting down); returns how
     * many were written (0 when the warm-up could not run). Never throws.
     *
     * <p>A JVM that exits in the middle (its drain thread is a daemon) leaves its scratch queue behind; the
     * directory's name carries the pid, and each warm-up first deletes those of processes that are gone.
     */
    static int run(final Path parent, final int documents, final BooleanSupplier stop)
    {
        Path scratch = null;
        int written = 0;
        try
        {
            final Path under = parent == null ? Path.of(System.getProperty("java.io.tmpdir")) : parent;
            deleteLeftOvers(under);
            scratch = Files.createTempDirectory(under, SCRATCH_PREFIX + ProcessHandle.current().pid() + "-");
            final Content content = new Content();
            try (SpoolWriter writer = new SpoolWriter(scratch, SpoolLayoutDescriptor.ROLL_CYCLE, SCRATCH_MAX_BYTES))
            {
                for (; written < documents && !stop.getAsBoolean(); written++)
                {
                    writer.writeInPlace(content, SampleDocument.reserveFor(64));
                }
            }
        }
        catch (final Throwable t)
        {
            // IOException, Chronicle's rethrown checked exceptions, InternalError from a mapped-file fault
            AgentLog.debug("write-path warm-up stopped after " + written + " documents: " + t);
        }
        finally
        {
            if (scratch != null)
            {
                deleteTree(scratch);
            }
        }
        return written;
    }

    /** A document of {@link #DOCUMENT_BYTES} zero bytes, written in place as the drain writes its samples. */
    private static final class Content implements SpoolWriter.InPlaceContent
    {
        @Override
        public int write(final UnsafeBuffer document, final SpoolWriter writer)
        {
            final int length = Math.min(DOCUMENT_BYTES, document.capacity());
            document.setMemory(0, length, (byte)0);
            return length;
        }

        @Override
        public int samples()
        {
            return 0;
        }
    }

    /**
     * Scratch queues of warm-ups whose JVM exited before deleting them ({@code hotpath-warmup-PID-...}). A
     * directory stream, not {@code Files.list}: the agent keeps out of the JDK's stream pipeline at start (RESULTS.md).
     */
    static void deleteLeftOvers(final Path parent)
    {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, SCRATCH_PREFIX + "*"))
        {
            for (final Path entry : entries)
            {
                if (leftOver(entry))
                {
                    deleteTree(entry);
                }
            }
        }
        catch (final IOException | RuntimeException e)
        {
            AgentLog.debug("cannot look for left-over warm-up queues in " + parent + ": " + e);
        }
    }

    private static boolean leftOver(final Path entry)
    {
        final String name = entry.getFileName().toString();
        final int dash = name.indexOf('-', SCRATCH_PREFIX.length());
        if (!name.startsWith(SCRATCH_PREFIX) || dash < 0 || !Files.isDirectory(entry))
        {
            return false;
        }
        try
        {
            final long pid = Long.parseLong(name.substring(SCRATCH_PREFIX.length(), dash));
            return ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true);
        }
        catch (final NumberFormatException e)
        {
            return false; // not ours to judge
        }
    }

    private static void deleteTree(final Path root)
    {
        try
        {
            Files.walkFileTree(root, new SimpleFileVisitor<>()
            {
                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException
                {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(final Path dir, final IOException e) throws IOException
                {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        catch (final IOException | RuntimeException e)
        {
            AgentLog.warn("cannot delete the write-path warm-up queue " + root + ": " + e);
        }
    }
}
