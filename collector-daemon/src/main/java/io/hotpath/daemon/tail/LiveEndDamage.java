package io.hotpath.daemon.tail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * Damage behind a live writer (a hole, a header never completed) at the position where a caught-up
 * {@link QueueReader} waits: stepped over (a forced resync) once {@link CycleFileReader#waitingAtDamage}
 * saw it at the same position at two refreshes. A look reads up to a megabyte past the position
 * (~1 ms), so it is skipped where it cannot find anything new: when the reader has just moved (it waits
 * where the writer writes next; the next refresh at the same position looks), and when a look at this
 * position found nothing and the file has not been written since (same modification time and size).
 *
 * <p>Not thread-safe: one per queue, owned by the aggregation thread.
 */
final class LiveEndDamage
{
    /** Position the reader waited at, at the last refresh, before damage in a file still written; -1 none. */
    private long waitingAt = -1;
    private boolean forceResync;
    /** Cycle and position at the previous refresh; MIN_VALUE / -1 before. */
    private int cycleAtLastCheck = Integer.MIN_VALUE;
    private long positionAtLastCheck = -1;
    /** A look for damage at this position found none, the file then stamped {@link #cleanLookStamp}; -1 none. */
    private long cleanLookAt = -1;
    private long cleanLookStamp;

    /** Damage seen once and awaiting its second look, or a resync due: the queue's upkeep runs at every scan. */
    boolean pending()
    {
        return waitingAt >= 0 || forceResync;
    }

    /** The next read steps over the damage at the position (a resync) instead of waiting there. */
    boolean resyncDue()
    {
        return forceResync;
    }

    void resynced()
    {
        forceResync = false;
    }

    /**
     * At each refresh.
     *
     * @param waiting the reader is caught up in a file that can still grow (else nothing is watched)
     */
    void check(final CycleFileReader reader, final int cycle, final boolean waiting)
    {
        if (!waiting)
        {
            waitingAt = -1;
            return;
        }
        final long position = reader.position();
        final boolean stayed = cycle == cycleAtLastCheck && position == positionAtLastCheck;
        cycleAtLastCheck = cycle;
        positionAtLastCheck = position;
        if (waitingAt < 0 && !stayed)
        {
            cleanLookAt = -1;
            return;
        }
        final long stamp = stamp(reader.file());
        if (waitingAt < 0 && cleanLookAt == position && cleanLookStamp == stamp)
        {
            return;
        }
        try
        {
            if (!reader.waitingAtDamage())
            {
                waitingAt = -1;
                cleanLookAt = position;
                cleanLookStamp = stamp;
                return;
            }
        }
        catch (final IOException e)
        {
            return; // the next read reports it
        }
        cleanLookAt = -1;
        if (waitingAt == position)
        {
            forceResync = true;
            waitingAt = -1;
        }
        else
        {
            waitingAt = position;
        }
    }

    /** Modification time and size of {@code file} in one number (a change in either changes it); 0 when gone. */
    private static long stamp(final Path file)
    {
        try
        {
            final BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS) * 31 + attributes.size();
        }
        catch (final IOException e)
        {
            return 0;
        }
    }
}
