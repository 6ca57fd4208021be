package io.hotpath.agent.spool;

import io.hotpath.agent.AgentLog;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.StoreFileListener;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This JVM's Chronicle Queue: one document per {@link #write} or {@link #writeInPlace} holding whole
 * wire records as raw bytes (no Chronicle field names), as {@code SPOOL.md} specifies. Used by the
 * drain thread only.
 *
 * <p>Keeps the queue within its size cap by deleting its oldest cycle files (never the current
 * one) and reports the samples they held, so the caller counts them as dropped.
 */
final class SpoolWriter implements AutoCloseable
{
    private final Path directory;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final long maxBytes;
    /**
     * Chronicle's mapping chunk (it maps a quarter more as overlap, which bounds one document: 2 MiB).
     * Chronicle's default, 64 MiB, has its background releaser {@code munmap} 80 MiB at a time, and the
     * application stalled with it: every thread at once, 22-26 ms every ~8 s at 100 000 calls/s (the
     * kernel holds the process's memory-map lock while it unmaps, and a thread that faults in a fresh
     * page, e.g. a new TLAB, waits for it). With 8 MiB chunks the longest call is 5-6 ms, as without the
     * agent (benchmarks/RESULTS.md, 2026-12-07, "one call of 22 ms").
     */
    static final long BLOCK_BYTES = 8L << 20;
    /** Free bytes a new cycle file needs: its header and first index (written through the mapping) and a first reservation. */
    static final long MIN_FREE_FOR_NEW_CYCLE = 1L << 20;
    private final CycleFileGuard guard = new CycleFileGuard();
    private int lastCycle = Integer.MIN_VALUE;
    /** cycle -> {bytes written, samples written}; drain thread only. */
    private final TreeMap<Integer, long[]> cycles = new TreeMap<>();
    private final Map<Integer, File> cycleFiles = new ConcurrentHashMap<>();
    /** {bytes, samples} of {@link #lastCycle}: no map lookup (and no boxing) per document. */
    private long[] lastCycleCounts;
    /** The open document's memory while {@link #writeInPlace} runs. */
    private static final byte[] EMPTY = new byte[0];
    private final UnsafeBuffer inPlace = new UnsafeBuffer(new byte[0]);

    /** Records written straight into a document's memory ({@link #writeInPlace}). */
    interface InPlaceContent
    {
        /**
         * Writes whole records from offset 0 of {@code document} (its capacity is what the mapping
         * holds contiguously; only the bytes reserved with {@link #writeInPlace} or {@link #reserve}
         * may be touched).
         *
         * @return the bytes written; 0 writes no document
         */
        int write(UnsafeBuffer document, SpoolWriter writer) throws CycleFileGuard.SpoolFault;

        /** Samples among the records of the last {@link #write}. */
        int samples();
    }

    SpoolWriter(final Path directory, final String rollCycleName, final long maxBytes)
    {
        this.directory = directory;
        this.maxBytes = maxBytes;
        final RollCycle rollCycle = RollCycles.valueOf(rollCycleName);
        this.queue = SingleChronicleQueueBuilder.binary(directory)
            .rollCycle(rollCycle)
            .blockSize(BLOCK_BYTES)
            .storeFileListener(new StoreFileListener()
            {
                @Override
                public void onAcquired(final int cycle, final File file)
                {
                    cycleFiles.put(cycle, file);
                    SpoolDirectory.restrictFile(file.toPath());
                }

                @Override
                public void onReleased(final int cycle, final File file)
                {
                }
            })
            .build();
        this.appender = queue.createAppender();
        restrictPermissions();
    }

    /**
     * Writes {@code length} bytes of {@code records} as one document; {@code samples} of them are samples.
     *
     * @throws CycleFileGuard.SpoolFault when the cycle file can no longer back the mapping: the
     *                                   caller must {@link #abandon} the queue, never write or close it.
     */
    void write(final byte[] records, final int length, final int samples) throws CycleFileGuard.SpoolFault
    {
        if (queue.cycle() != lastCycle)
        {
            checkSpaceForNewCycleFile();
        }
        guard.beforeWrite(length);
        final long end;
        final int cycle;
        try
        {
            try (DocumentContext dc = appender.writingDocument())
            {
                final Bytes<?> bytes = dc.wire().bytes();
                bytes.write(records, 0, length);
                end = bytes.writePosition();
            }
            cycle = appender.cycle();
        }
        catch (final InternalError fault)
        {
            // SIGBUS in compiled code: HotSpot's "a fault occurred in a recent unsafe memory access operation"
            throw new CycleFileGuard.SpoolFault("memory fault writing the queue " + directory + " (cycle file truncated or disk full?)",
                fault);
        }
        guard.afterWrite(cycle, cycleFiles.get(cycle), end);
        counted(cycle, length, samples);
    }

    /**
     * One document whose records {@code content} writes straight into the queue's memory (no copy):
     * {@code reserveBytes} (at least what it may write) are reserved on disk first, like every document
     * ({@link CycleFileGuard}). Writes nothing when {@code content} returns 0.
     *
     * @return the document's length in bytes
     * @throws CycleFileGuard.SpoolFault as {@link #write}
     */
    int writeInPlace(final InPlaceContent content, final int reserveBytes) throws CycleFileGuard.SpoolFault
    {
        if (queue.cycle() != lastCycle)
        {
            checkSpaceForNewCycleFile();
        }
        guard.beforeWrite(reserveBytes);
        final long end;
        final int cycle;
        int length = 0;
        try
        {
            try (DocumentContext dc = appender.writingDocument())
            {
                final Bytes<?> bytes = dc.wire().bytes();
                final long start = bytes.writePosition();
                // the mapping holds writeLimit - start bytes (Chronicle's largest document, its chunk overlap) contiguously
                inPlace.wrap(bytes.addressForWrite(start), (int)Math.min(Integer.MAX_VALUE, bytes.writeLimit() - start));
                try
                {
                    length = content.write(inPlace, this);
                }
                finally
                {
                    inPlace.wrap(EMPTY);
                    if (length > 0)
                    {
                        bytes.writeSkip(length);
                    }
                    else
                    {
                        dc.rollbackOnClose();
                    }
                }
                end = bytes.writePosition();
            }
            cycle = appender.cycle();
        }
        catch (final InternalError fault)
        {
            throw new CycleFileGuard.SpoolFault("memory fault writing the queue " + directory + " (cycle file truncated or disk full?)",
                fault);
        }
        if (length > 0)
        {
            counted(cycle, length, content.samples());
            guard.afterWrite(cycle, cycleFiles.get(cycle), end);
        }
        return length;
    }

    /** Inside {@link InPlaceContent#write}: the document may take {@code bytes} in all (reserved on disk first). */
    void reserve(final int bytes) throws CycleFileGuard.SpoolFault
    {
        guard.beforeWrite(bytes);
    }

    private void counted(final int cycle, final int length, final int samples)
    {
        if (cycle != lastCycle || lastCycleCounts == null)
        {
            lastCycleCounts = cycles.computeIfAbsent(cycle, c -> new long[2]);
            lastCycle = cycle;
        }
        lastCycleCounts[0] += length;
        lastCycleCounts[1] += samples;
    }

    /**
     * Chronicle creates and writes the header of a new cycle file inside the next write, through the
     * mapping, before {@link CycleFileGuard} can reserve its blocks: a nearly full disk stops the spool here.
     */
    private void checkSpaceForNewCycleFile() throws CycleFileGuard.SpoolFault
    {
        long usable;
        try
        {
            usable = Files.getFileStore(directory).getUsableSpace();
        }
        catch (final IOException e)
        {
            usable = Long.MAX_VALUE; // unknown: the guard still checks the file once it exists
        }
        if (usable < MIN_FREE_FOR_NEW_CYCLE)
        {
            throw new CycleFileGuard.SpoolFault("only " + usable + " bytes free for a new cycle file in " + directory +
                " (needs " + MIN_FREE_FOR_NEW_CYCLE + ")", null);
        }
    }

    /**
     * Gives the queue up after a {@link CycleFileGuard.SpoolFault}: Chronicle's close would write an
     * end-of-file marker through the damaged mapping, so the queue is left open (its mapping is freed
     * with the JVM) and only the closed marker tells hotpathd the queue is finished.
     */
    void abandon()
    {
        guard.close();
        writeClosedMarker();
    }

    /**
     * Deletes the oldest finished cycle files while the bytes this JVM wrote exceed the cap.
     *
     * @return samples that were in deleted files.
     */
    long enforceCap()
    {
        long total = 0;
        for (final long[] counts : cycles.values())
        {
            total += counts[0];
        }
        long lostSamples = 0;
        while (total > maxBytes && cycles.size() > 1)
        {
            final Map.Entry<Integer, long[]> oldest = cycles.pollFirstEntry();
            total -= oldest.getValue()[0];
            if (oldest.getValue() == lastCycleCounts)
            {
                lastCycleCounts = null;
            }
            final File file = cycleFiles.remove(oldest.getKey());
            if (file != null && file.delete())
            {
                lostSamples += oldest.getValue()[1];
                AgentLog.warnOnce("spool-cap", "queue " + directory + " exceeded hotpath.spool.maxBytes=" + maxBytes +
                    "; deleted its oldest cycle file(s), their samples count as dropped (is hotpathd running?)");
            }
        }
        return lostSamples;
    }

    @Override
    public void close()
    {
        try
        {
            guard.beforeWrite(0);
        }
        catch (final CycleFileGuard.SpoolFault fault)
        {
            AgentLog.warn("not closing the queue normally: " + fault.getMessage());
            abandon();
            return;
        }
        guard.close();
        queue.close();
        restrictPermissions();
        writeClosedMarker();
    }

    private void writeClosedMarker()
    {
        final Path marker = directory.resolve(SpoolDirectory.CLOSED_MARKER);
        try
        {
            Files.deleteIfExists(marker);
            Files.createFile(marker);
            SpoolDirectory.restrictFile(marker);
        }
        catch (final IOException e)
        {
            AgentLog.warn("cannot create " + marker + ": " + e);
        }
    }

    Path directory()
    {
        return directory;
    }

    private void restrictPermissions()
    {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory))
        {
            for (final Iterator<Path> it = files.iterator(); it.hasNext(); )
            {
                final Path file = it.next();
                if (Files.isRegularFile(file))
                {
                    SpoolDirectory.restrictFile(file);
                }
            }
        }
        catch (final IOException e)
        {
            AgentLog.debug("cannot list " + directory + ": " + e);
        }
    }
}
