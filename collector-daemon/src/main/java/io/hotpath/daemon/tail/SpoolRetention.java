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
import java.util.Map;

/**
 * Deletes finished queues — agent gone, every document read — once they are older than
 * {@code maxAgeMillis} (by their newest file), or oldest first while the spool exceeds
 * {@code maxTotalBytes}; then, by the same caps, the cycle files of live queues that were read and
 * checkpointed for good (a long-running JVM's queue would otherwise grow until the agent's own
 * size cap deletes cycles). Unread data is never deleted; per SPOOL.md only the daemon deletes
 * queues.
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
        return apply(spool, tailers, nowEpochMillis, Map.of());
    }

    /**
     * Deletes finished queues past retention, then cycle files of live queues that are past
     * retention and read for good: entirely before the cycle of the queue's position in the last
     * checkpoint on disk ({@code durableIndexByQueue}), so a crash can never need them again.
     *
     * @return names of the queues deleted.
     */
    public List<String> apply(final Path spool, final Collection<QueueTailer> tailers, final long nowEpochMillis,
        final Map<String, Long> durableIndexByQueue)
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
        deleteReadCycleFiles(tailers, nowEpochMillis, durableIndexByQueue, total);
        return deleted;
    }

    private void deleteReadCycleFiles(final Collection<QueueTailer> tailers, final long nowEpochMillis,
        final Map<String, Long> durableIndexByQueue, final long spoolBytes)
    {
        final List<CycleCandidate> cycles = new ArrayList<>();
        for (final QueueTailer tailer : tailers)
        {
            final Long durable = durableIndexByQueue.get(tailer.name());
            if (durable == null || !tailer.isActive())
            {
                continue;
            }
            for (final Path file : tailer.cycleFilesReadBefore(durable))
            {
                try
                {
                    final BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    cycles.add(new CycleCandidate(tailer, file, attributes.size(), attributes.lastModifiedTime().toMillis()));
                }
                catch (final IOException ignored)
                {
                    // Deleted meanwhile (by the agent's cap).
                }
            }
        }
        cycles.sort(Comparator.comparingLong(CycleCandidate::modifiedMillis));
        long total = spoolBytes;
        for (final CycleCandidate cycle : cycles)
        {
            final boolean tooOld = nowEpochMillis - cycle.modifiedMillis() > maxAgeMillis;
            final boolean overSize = total > maxTotalBytes;
            if (!tooOld && !overSize)
            {
                continue;
            }
            try
            {
                if (Files.deleteIfExists(cycle.file()))
                {
                    LOG.info("retention deleted read cycle file " + cycle.file() + " of live queue " + cycle.tailer().name() + " (" +
                        cycle.bytes() + " bytes, " + (tooOld ? "older than the age cap" : "spool over the size cap") + ")");
                }
                total -= cycle.bytes();
            }
            catch (final IOException e)
            {
                LOG.log(Level.WARNING, "retention could not delete " + cycle.file(), e);
            }
        }
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

    private record CycleCandidate(QueueTailer tailer, Path file, long bytes, long modifiedMillis)
    {
    }
}
