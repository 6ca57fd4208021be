package io.hotpath.agent.spool;

import io.hotpath.agent.AgentLog;
import io.hotpath.wire.SpoolLayoutDescriptor;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

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

    /**
     * Writes the scratch documents in a new directory under {@code parent} (the JVM's temporary
     * directory when null); returns how many were written (0 when the warm-up could not run). Never throws.
     */
    static int run(final Path parent, final int documents)
    {
        Path scratch = null;
        int written = 0;
        try
        {
            scratch = parent == null ? Files.createTempDirectory(SCRATCH_PREFIX) : Files.createTempDirectory(parent, SCRATCH_PREFIX);
            final Content content = new Content();
            try (SpoolWriter writer = new SpoolWriter(scratch, SpoolLayoutDescriptor.ROLL_CYCLE, SCRATCH_MAX_BYTES))
            {
                for (; written < documents; written++)
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
