package io.hotpath.daemon.tail;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deletes finished queues — agent gone, every document read — once they are older than
 * {@code maxAgeMillis} (by their newest file), or oldest first while the spool exceeds
 * {@code maxTotalBytes}. Queues still written or not fully read are never deleted; per SPOOL.md only
 * the daemon deletes queues.
 */
public final class SpoolRetention
{
    private static final Logger LOG = Logger.getLogger(SpoolRetention.class.getName());

    private final long maxAgeMillis;
    private final long maxTotalBytes;

    public SpoolRetention(final long maxAgeMillis, final long maxTotalBytes)
    {
        this.maxAgeMillis = maxAgeMillis;
        this.maxTotalBytes = maxTotalBytes;
    }

    /** @return names of the queues deleted. */
    public List<String> apply(final Path spool, final Collection<QueueTailer> tailers, final long nowEpochMillis)
    {
        final List<Candidate> finished = new ArrayList<>();
        long total = 0;
        for (final QueueTailer tailer : tailers)
        {
            final Usage usage = usage(tailer.directory());
            total += usage.bytes;
            if (tailer.state().finished || tailer.state().rejectedReason != null)
            {
                finished.add(new Candidate(tailer, usage));
            }
        }
        finished.sort(Comparator.comparingLong(c -> c.usage.newestModifiedMillis));
        final List<String> deleted = new ArrayList<>();
        for (final Candidate candidate : finished)
        {
            final boolean tooOld = nowEpochMillis - candidate.usage.newestModifiedMillis > maxAgeMillis;
            final boolean overSize = total > maxTotalBytes;
            if (!tooOld && !overSize)
            {
                continue;
            }
            if (delete(candidate.tailer.directory()))
            {
                LOG.info("retention deleted finished queue " + candidate.tailer.directory() + " (" + candidate.usage.bytes +
                    " bytes, " + (tooOld ? "older than the age cap" : "spool over the size cap") + ")");
                total -= candidate.usage.bytes;
                deleted.add(candidate.tailer.name());
            }
        }
        return deleted;
    }

    private static boolean delete(final Path directory)
    {
        try
        {
            Files.walkFileTree(directory, new SimpleFileVisitor<>()
            {
                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException
                {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(final Path dir, final IOException exc) throws IOException
                {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
            return true;
        }
        catch (final IOException e)
        {
            LOG.log(Level.WARNING, "retention could not delete " + directory, e);
            return false;
        }
    }

    static Usage usage(final Path directory)
    {
        final Usage usage = new Usage();
        try (var files = Files.list(directory))
        {
            files.forEach(file ->
            {
                try
                {
                    final BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    usage.bytes += attributes.size();
                    usage.newestModifiedMillis = Math.max(usage.newestModifiedMillis, attributes.lastModifiedTime().toMillis());
                }
                catch (final IOException ignored)
                {
                    // Vanished while listing.
                }
            });
        }
        catch (final IOException ignored)
        {
            // Directory gone: nothing to count.
        }
        return usage;
    }

    static final class Usage
    {
        long bytes;
        long newestModifiedMillis;
    }

    private record Candidate(QueueTailer tailer, Usage usage)
    {
    }
}
