package io.hotpath.daemon.tail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * When a queue's upkeep is due: listing its cycle files (gaps, a rolled cycle, a finished current
 * file), asking whether its agent is still alive, and looking at damage where the reader waits.
 * That costs a directory listing, a process lookup and reads per queue; run every second for every
 * queue it was most of what an idle daemon spent with live but quiet agents. Now each spool scan
 * runs it for a queue only when something may have happened to it:
 * <ul>
 *   <li>the queue is busy: not caught up, or damage at its read position awaits a second look;</li>
 *   <li>its directory changed (modification time: a cycle file created or deleted — a roll, the
 *       agent's size cap, retention — or the closed marker written);</li>
 *   <li>the file being read changed while the reader did not move (data behind damage the reader waits
 *       at); a file that grew while the reader moved on is just being read (an agent writing steadily:
 *       its upkeep every second was a quarter of the aggregation thread's CPU at 1 000 samples/s);</li>
 *   <li>else at least every {@value #QUIET_UPKEEP_MILLIS} ms: what no file shows, an agent killed
 *       without its marker, is noticed that much later (its data is read on time all the same: reading
 *       does not wait for upkeep).</li>
 * </ul>
 * Two stats per queue and scan. An agent killed while writing is finished by the quiet upkeep (its files
 * stop changing); detection learns of it at once ({@link SpoolTailers#refreshLiveness}). A change inside the
 * same filesystem timestamp tick as the previous look can be missed; the quiet interval bounds that too.
 * Aggregation thread only.
 */
final class UpkeepSchedule
{
    static final long QUIET_UPKEEP_MILLIS = 10_000;

    private final Path directory;
    private long directoryModified = Long.MIN_VALUE;
    private Path file;
    private long fileModified = Long.MIN_VALUE;
    private long readPosition = Long.MIN_VALUE;
    private long nextQuietUpkeepMillis = Long.MIN_VALUE;

    UpkeepSchedule(final Path directory)
    {
        this.directory = directory;
    }

    /**
     * Whether to run the upkeep now; when true, the next quiet one is due {@value #QUIET_UPKEEP_MILLIS} ms
     * later. The files are looked at before the upkeep runs, so that a change during it is seen at the next scan.
     *
     * @param busy        not caught up, or a second look at damage pending
     * @param currentFile the cycle file being read, or null
     * @param position    the reader's position (index of the last document read)
     */
    boolean due(final long nowEpochMillis, final boolean busy, final Path currentFile, final long position)
    {
        final long directoryNow = modified(directory);
        final long fileNow = currentFile == null ? Long.MIN_VALUE : modified(currentFile);
        final boolean fileChanged = fileNow != fileModified && position == readPosition;
        final boolean changed = directoryNow != directoryModified || fileChanged || !same(currentFile, file);
        directoryModified = directoryNow;
        fileModified = fileNow;
        file = currentFile;
        readPosition = position;
        if (busy || changed || nowEpochMillis >= nextQuietUpkeepMillis || nowEpochMillis < nextQuietUpkeepMillis - QUIET_UPKEEP_MILLIS)
        {
            nextQuietUpkeepMillis = nowEpochMillis + QUIET_UPKEEP_MILLIS;
            return true;
        }
        return false;
    }

    /** The next scan runs the upkeep whatever changed (a quarantined queue taken up again). */
    void dueAtNextScan()
    {
        nextQuietUpkeepMillis = Long.MIN_VALUE;
    }

    private static boolean same(final Path a, final Path b)
    {
        return a == null ? b == null : a.equals(b);
    }

    private static long modified(final Path path)
    {
        try
        {
            return Files.getLastModifiedTime(path).to(TimeUnit.NANOSECONDS);
        }
        catch (final IOException e)
        {
            return Long.MIN_VALUE + 1; // gone or unreadable: a change from what was there
        }
    }
}
