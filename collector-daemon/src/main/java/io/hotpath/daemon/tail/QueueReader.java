package io.hotpath.daemon.tail;

import io.hotpath.wire.SpoolLayoutDescriptor;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.logging.Logger;
import net.openhft.chronicle.queue.RollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * The documents of one queue in order, across its cycle files, read with {@link CycleFileReader}
 * (no Chronicle tailer: nothing here maps a file or waits). Keeps the position in the queue's
 * {@link QueueCheckpoint}: {@code lastIndex} (Chronicle's index of the last document handed out:
 * cycle and sequence number in it), {@code readOffset} (the byte offset in that cycle file where the
 * next header is read) and {@code resumeAtCycle} (reading starts at a cycle file's beginning).
 *
 * <p>Garbage is stepped over ({@link CycleFileReader#resync}) and tallied in the state
 * ({@code bytesSkipped}, {@code documentsSkipped}, {@code samplesLost}). Cycle files the agent's size
 * cap deleted before they were read are counted as gaps.
 *
 * <p>Not thread-safe: owned by the aggregation thread.
 *
 * <p>Just over 400 lines because opening at a checkpointed position, moving between cycle files and
 * counting gaps all read and write the same position (cycle, sequence, offset, unread cycles); the
 * other jobs are in their own classes: one file's documents and resync ({@link CycleFileReader}),
 * file names ({@link CycleFiles}), damage where a live writer is awaited ({@link LiveEndDamage}).
 */
final class QueueReader implements AutoCloseable
{
    private static final Logger LOG = Logger.getLogger(QueueReader.class.getName());
    /** Bytes a resync scans per call: bounds the time one damaged file takes from a loop pass. */
    private static final long RESYNC_BUDGET_BYTES = 4L << 20;

    private final Path directory;
    private final QueueCheckpoint state;
    private final IngestCounters counters;
    private final CycleFiles cycleFiles = new CycleFiles(RollCycles.valueOf(SpoolLayoutDescriptor.ROLL_CYCLE));
    private CycleFileReader reader;
    private int cycle = Integer.MIN_VALUE;
    private long nextSequence;
    /** A later cycle file exists or the writer is gone: the current file gets nothing more. */
    private boolean cycleFinished;
    private boolean writerGone;
    /** Cycle files after the one being read, as last listed: one that vanishes was deleted unread. */
    private NavigableSet<Integer> unreadCycles = new TreeSet<>();
    private long index = -1;
    private boolean caughtUp;
    private boolean truncationLogged;
    private boolean garbageLogged;
    private final LiveEndDamage damage = new LiveEndDamage();
    private long caughtUpAtNanos;
    private static final long FRONTIER_RECHECK_NANOS = 5_000_000L;

    QueueReader(final Path directory, final QueueCheckpoint state, final IngestCounters counters)
    {
        this.directory = directory;
        this.state = state;
        this.counters = counters;
    }

    CycleFiles cycleFiles()
    {
        return cycleFiles;
    }

    boolean caughtUp()
    {
        return caughtUp;
    }

    /** Not caught up, or damage at the read position awaits its second look: upkeep at every scan. */
    boolean busy()
    {
        return !caughtUp || damage.pending();
    }

    /** The cycle file being read, or null. */
    Path currentFile()
    {
        return reader == null ? null : reader.file();
    }

    /** Index of the document last returned by {@link #next}. */
    long index()
    {
        return index;
    }

    UnsafeBuffer document()
    {
        return reader.document();
    }

    int documentLength()
    {
        return reader.documentLength();
    }

    /** Opens the cycle file of the position (a gap is counted if it is gone); nothing is read yet. */
    void open() throws IOException
    {
        if (reader == null)
        {
            openAtPosition();
        }
    }

    /**
     * Moves to the next document and records it as read in the state (before it is processed, so a
     * failure while processing never makes it read twice).
     *
     * @return false when there is nothing to read now.
     * @throws IOException a file cannot be read (permission, I/O error): the caller quarantines the queue.
     */
    boolean next() throws IOException
    {
        if (caughtUp && System.nanoTime() - caughtUpAtNanos < FRONTIER_RECHECK_NANOS)
        {
            return false; // at the live end a moment ago: no read per loop pass (the loop parks 1 ms when idle)
        }
        if (reader == null && !openAtPosition())
        {
            caughtUp = true;
            return false;
        }
        while (true)
        {
            final boolean forceResync = damage.resyncDue();
            final CycleFileReader.Step step = forceResync ? CycleFileReader.Step.GARBAGE : reader.next(cycleFinished);
            switch (step)
            {
                case DOCUMENT:
                    index = cycleFiles.rollCycle().toIndex(cycle, nextSequence++);
                    state.lastIndex = index;
                    state.resumeAtCycle = -1;
                    state.readOffset = reader.position();
                    caughtUp = false;
                    return true;
                case GARBAGE:
                    final boolean found = reader.resync(RESYNC_BUDGET_BYTES, cycleFinished || forceResync);
                    damage.resynced();
                    takeSkipped();
                    state.readOffset = reader.position();
                    if (!found)
                    {
                        caughtUp = false;
                        return false; // more to scan on the next pass
                    }
                    continue;
                case END:
                    if (reader.takeTruncated())
                    {
                        takeSkipped();
                    }
                    if (!moveToNextCycle())
                    {
                        caughtUp = true;
                        caughtUpAtNanos = System.nanoTime();
                        return false;
                    }
                    continue;
                default:
                    caughtUp = true;
                    caughtUpAtNanos = System.nanoTime();
                    return false;
            }
        }
    }

    private void takeSkipped()
    {
        final CycleFileReader.Skipped skipped = reader.takeSkipped();
        final long bytes = skipped.bytes();
        final long documents = skipped.documents();
        final long samples = skipped.samples();
        final boolean truncated = skipped.truncated();
        if (bytes == 0 && !truncated)
        {
            return;
        }
        state.bytesSkipped += bytes;
        state.documentsSkipped += documents;
        state.samplesLost += samples;
        counters.skipped(bytes, documents, samples);
        if (truncated)
        {
            counters.fault(IngestCounters.FAULT_TRUNCATED);
        }
        if (!garbageLogged || (truncated && !truncationLogged))
        {
            garbageLogged = true;
            truncationLogged |= truncated;
            LOG.warning("queue " + directory + " file " + reader.file().getFileName() + ": " +
                (truncated ? "cut off (truncated) inside a document" : "damaged bytes") + " before offset " + reader.position() +
                "; stepped over " + bytes + " bytes (" + documents + " document headers, " + samples +
                " samples in batch headers that survive, counted as lost) and read on " +
                "(hotpath_daemon_spool_skipped_bytes_total; further ones in this queue are only counted)");
        }
    }

    /** Opens the cycle file of the position; false when it is not there (yet). */
    private boolean openAtPosition() throws IOException
    {
        final NavigableMap<Integer, Path> files = cycleFiles.list(directory);
        if (files.isEmpty())
        {
            // Nothing listed: also what an unreadable directory looks like. Say which (it quarantines the queue).
            Files.newDirectoryStream(directory).close(); // opening is what fails on an unreadable directory
            return false;
        }
        final int target;
        long offset = 0;
        boolean locate = false;
        if (state.resumeAtCycle >= 0)
        {
            target = state.resumeAtCycle;
            offset = Math.max(0, state.readOffset);
            nextSequence = 0;
        }
        else if (state.lastIndex >= 0)
        {
            target = cycleFiles.cycleOf(state.lastIndex);
            nextSequence = cycleFiles.rollCycle().toSequenceNumber(state.lastIndex) + 1;
            offset = state.readOffset;
            locate = offset < 0; // a checkpoint from before readOffset: find the document by counting
        }
        else
        {
            target = files.firstKey();
            nextSequence = 0;
        }
        final Path file = files.get(target);
        if (file == null)
        {
            return skipToCycleAfter(target, files);
        }
        openFile(target, file, locate ? 0 : offset);
        if (locate && !skipDocuments(nextSequence))
        {
            // The checkpointed document is not in the file (truncated?): go on from where it ends.
            LOG.warning("queue " + directory + ": cannot find the checkpointed document 0x" + Long.toHexString(state.lastIndex) +
                " in " + file.getFileName() + "; going on after the last document present");
        }
        unreadCycles = unreadCycleFiles(files);
        return true;
    }

    /** Skips {@code count} documents from the start of the file; false if it has fewer. */
    private boolean skipDocuments(final long count) throws IOException
    {
        for (long i = 0; i < count; i++)
        {
            CycleFileReader.Step step;
            while ((step = reader.next(true)) == CycleFileReader.Step.GARBAGE)
            {
                reader.resync(Long.MAX_VALUE, true);
                reader.discardSkipped();
            }
            if (step != CycleFileReader.Step.DOCUMENT)
            {
                return false;
            }
        }
        state.readOffset = reader.position();
        return true;
    }

    /**
     * The cycle file of the position is gone (the agent's size cap deleted it while hotpathd was
     * behind or down): count a gap and go on with the next cycle file present.
     */
    private boolean skipToCycleAfter(final int gone, final NavigableMap<Integer, Path> files) throws IOException
    {
        final Map.Entry<Integer, Path> next = files.higherEntry(gone);
        if (next == null)
        {
            return false; // nothing after it yet (the agent never deletes its current cycle): later
        }
        counters.queueGap();
        LOG.warning("queue " + directory + ": cycle file " + cycleFiles.name(gone) + " holding the read position was deleted " +
            "before it was read to its end (the agent's hotpath.spool.maxBytes cap: hotpathd was behind or down); its " +
            "remaining samples are lost (the agent counts them as dropped). Going on with " + next.getValue().getFileName());
        startCycle(next.getKey(), next.getValue());
        unreadCycles = unreadCycleFiles(files);
        return true;
    }

    private void startCycle(final int newCycle, final Path file) throws IOException
    {
        openFile(newCycle, file, 0);
        nextSequence = 0;
        // Documents of the next cycle are all new: nothing to skip, also after a restart before one is read.
        state.resumeAtCycle = newCycle;
        state.readOffset = 0;
    }

    private void openFile(final int newCycle, final Path file, final long offset) throws IOException
    {
        closeReader();
        reader = new CycleFileReader(file, offset);
        cycle = newCycle;
        garbageLogged = false;
        final NavigableMap<Integer, Path> files = cycleFiles.list(directory);
        cycleFinished = writerGone || files.higherKey(newCycle) != null;
    }

    /** At the end of the current cycle file: on to the next one present, if any. */
    private boolean moveToNextCycle() throws IOException
    {
        final NavigableMap<Integer, Path> files = cycleFiles.list(directory);
        final Map.Entry<Integer, Path> next = files.higherEntry(cycle);
        if (next == null)
        {
            return false;
        }
        try
        {
            startCycle(next.getKey(), next.getValue());
        }
        catch (final NoSuchFileException e)
        {
            return false; // deleted meanwhile: the next scan counts it as a gap
        }
        return true;
    }

    /**
     * At each upkeep (every spool scan while the queue is busy or its files change): whether the current file can still grow (for telling a write in
     * progress from damage), and a gap for every cycle file that was present after the read
     * position at the last check and vanished before it was reached (the agent's size cap).
     */
    void refresh(final boolean writerIsGone)
    {
        writerGone = writerIsGone;
        caughtUpAtNanos = System.nanoTime() - FRONTIER_RECHECK_NANOS - 1;
        final NavigableMap<Integer, Path> files = cycleFiles.list(directory);
        if (reader != null)
        {
            cycleFinished = writerGone || files.higherKey(cycle) != null;
            if (!files.containsKey(cycle) && files.higherKey(cycle) != null)
            {
                // The file being read was deleted (size cap) under the reader: its rest is lost.
                closeReader();
            }
        }
        damage.check(reader, cycle, reader != null && caughtUp && !cycleFinished);
        final NavigableSet<Integer> now = unreadCycleFiles(files);
        final int readCycle = readCycle();
        for (final int unread : unreadCycles)
        {
            if (unread > readCycle && !now.contains(unread))
            {
                counters.queueGap();
                LOG.warning("queue " + directory + ": cycle file " + cycleFiles.name(unread) + " was deleted before it was read " +
                    "(the agent's hotpath.spool.maxBytes cap: hotpathd is behind); its samples are lost (the agent counts " +
                    "them as dropped)");
            }
        }
        unreadCycles = now;
    }

    private NavigableSet<Integer> unreadCycleFiles(final NavigableMap<Integer, Path> files)
    {
        return new TreeSet<>(files.navigableKeySet().tailSet(readCycle(), false));
    }

    /** The cycle of the position (cycles after it are unread); MIN_VALUE before the first. */
    private int readCycle()
    {
        if (state.resumeAtCycle >= 0)
        {
            return state.resumeAtCycle;
        }
        return state.lastIndex < 0 ? Integer.MIN_VALUE : cycleFiles.cycleOf(state.lastIndex);
    }

    /**
     * Cycle files entirely before the one holding {@code durableIndex} (a position already in a
     * checkpoint on disk): read and counted for good.
     */
    List<Path> cycleFilesReadBefore(final long durableIndex)
    {
        if (durableIndex < 0)
        {
            return List.of();
        }
        return new ArrayList<>(cycleFiles.list(directory).headMap(cycleFiles.cycleOf(durableIndex), false).values());
    }

    String where(final long documentIndex)
    {
        if (documentIndex < 0)
        {
            return "queue " + directory;
        }
        return "queue " + directory + " file " + cycleFiles.name(cycleFiles.cycleOf(documentIndex)) + " index 0x" +
            Long.toHexString(documentIndex);
    }

    private void closeReader()
    {
        if (reader != null)
        {
            reader.close();
            reader = null;
        }
    }

    @Override
    public void close()
    {
        closeReader();
    }
}
