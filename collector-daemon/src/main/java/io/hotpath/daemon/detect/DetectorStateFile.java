package io.hotpath.daemon.detect;

import io.hotpath.daemon.state.AtomicFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

/**
 * The detectors' learnt state (levels, spreads, tails, seasonal profiles), the event counts behind
 * {@code hotpath_anomalies_total} and the event and incident counts, kept in its own file
 * {@code state.dir/detectors.state} so that a restart carries on instead of learning again.
 *
 * <p><b>When.</b> Captured on the aggregation thread at the daemon's checkpoint tick, every
 * {@link #SAVE_EVERY_MILLIS} (learnt state moves slowly), soon after an event opened (within
 * {@link #EVENT_SAVE_SPACING_MILLIS}: a crash loses at most the counts of those seconds), and at a
 * graceful stop; written on the
 * checkpoint writer thread, atomically (temp file, fsync, rename), mode 0640.
 *
 * <p><b>Format</b> (binary, big-endian): magic {@code HPDS}, version, save time, event id, events and
 * incidents opened, then per series its key, labels, last interval and per monitor the signal,
 * detector, event counts by severity and the detector's own state (length-prefixed, so a detector
 * whose state is not kept, or unknown, is skipped), then (version 2) the stalls counted per service;
 * a CRC-32 of all that ends the file.
 *
 * <p><b>Failures never stop the daemon.</b> A missing file means learning from scratch (logged); an
 * unreadable, truncated, corrupt or other-version file too, counted in {@code restore_failures}
 * (in {@code /health} and {@code /api/anomalies}) and logged. A series whose settings changed keeps
 * only the monitors that still exist. A failed write is counted and logged once per streak.
 */
public final class DetectorStateFile
{
    public static final String FILE_NAME = "detectors.state";
    static final int MAGIC = 0x48504453; // "HPDS"
    /** 2: the stalls counted per service follow the series (version 1 files, without them, are read too). */
    static final int VERSION = 2;
    static final long SAVE_EVERY_MILLIS = 60_000;
    /** An event opened: saved at the next tick, but at most this often (a capture of 10,000 series takes ~0.1 s). */
    static final long EVENT_SAVE_SPACING_MILLIS = 5_000;

    private static final Logger LOG = Logger.getLogger(DetectorStateFile.class.getName());

    private final Path file;
    private final AtomicLong restoreFailures = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong writeFailures = new AtomicLong();
    private final AtomicReference<Capture> pending = new AtomicReference<>();
    private volatile long seriesRestored;
    private volatile long eventsWritten = -1;
    private volatile boolean failing;
    private long lastSaveMillis = Long.MIN_VALUE;
    private long savedEvents = -1;

    /** Counts for {@code /health} and {@code /api/anomalies}. */
    public record Stats(String file, long seriesRestored, long restoreFailures, long writes, long writeFailures)
    {
    }

    /** Captured bytes and the events opened they count. */
    /** {@code written} runs once the bytes are on disk: the stall counts they hold become the exposed ones. */
    private record Capture(byte[] bytes, long events, Runnable written)
    {
    }

    public DetectorStateFile(final Path stateDir)
    {
        this.file = stateDir.resolve(FILE_NAME);
    }

    public Path file()
    {
        return file;
    }

    public Stats stats()
    {
        return new Stats(file.toString(), seriesRestored, restoreFailures.get(), writes.get(), writeFailures.get());
    }

    /** The counts as a {@code /health} section. */
    public Map<String, Object> health()
    {
        final Map<String, Object> health = new LinkedHashMap<>();
        health.put("file", file.toString());
        health.put("seriesRestored", seriesRestored);
        health.put("restoreFailures", restoreFailures.get());
        health.put("writes", writes.get());
        health.put("writeFailures", writeFailures.get());
        health.put("eventsWritten", eventsWritten);
        return health;
    }

    /** Before the first interval: loads the file into {@code engine}. Never throws. */
    public void restore(final AnomalyEngine engine)
    {
        engine.stateFile(this);
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final NoSuchFileException e)
        {
            LOG.log(Level.INFO, "no learnt detector state in " + file + ": the detectors learn from scratch");
            return;
        }
        catch (final IOException | RuntimeException e)
        {
            restoreFailed("cannot read it: " + e);
            return;
        }
        try
        {
            seriesRestored = DetectorStateCodec.read(bytes, engine);
            LOG.log(Level.INFO, "learnt detector state of " + seriesRestored + " series restored from " + file);
        }
        catch (final IOException | RuntimeException e)
        {
            restoreFailed(e instanceof EOFException ? "truncated" : e.getMessage());
        }
    }

    private void restoreFailed(final String why)
    {
        restoreFailures.incrementAndGet();
        LOG.log(Level.WARNING, "ignoring the learnt detector state in " + file + " (" + why
            + "): the detectors learn from scratch");
    }

    /**
     * At the daemon's checkpoint tick, on the aggregation thread: captures the state when it is due
     * (every {@link #SAVE_EVERY_MILLIS}, after an event opened or a stall was counted, but at most every
     * {@link #EVENT_SAVE_SPACING_MILLIS}, and when {@code last}: the daemon stops) and writes it on
     * {@code writer}.
     */
    public void onCheckpoint(final AnomalyEngine engine, final long now, final boolean last, final Executor writer)
    {
        engine.stateFile(this);
        final long opened = engine.eventsOpened();
        final long events = opened + engine.stallsCounted(); // a stall counted is saved as soon
        final long since = lastSaveMillis == Long.MIN_VALUE ? Long.MAX_VALUE : now - lastSaveMillis;
        final boolean due = last || since >= SAVE_EVERY_MILLIS || (events != savedEvents && since >= EVENT_SAVE_SPACING_MILLIS);
        if (!due)
        {
            return;
        }
        lastSaveMillis = now;
        savedEvents = events;
        final byte[] bytes;
        try
        {
            bytes = DetectorStateCodec.write(engine, now);
        }
        catch (final IOException | RuntimeException e)
        {
            writeFailed(e);
            return;
        }
        final List<StallWatch> watches = new ArrayList<>(engine.stallWatches());
        final long[] counts = new long[watches.size()];
        for (int i = 0; i < counts.length; i++)
        {
            counts[i] = watches.get(i).count().stalls(); // what the bytes hold: counted on this thread only
        }
        final Runnable written = () ->
        {
            for (int i = 0; i < counts.length; i++)
            {
                watches.get(i).saved(counts[i]);
            }
        };
        // eventsWritten: the events the file holds (the stalls counted only make it due sooner)
        if (pending.getAndSet(new Capture(bytes, opened, written)) == null)
        {
            writer.execute(this::writePending);
        }
    }

    private void writePending()
    {
        final Capture capture = pending.getAndSet(null);
        if (capture == null)
        {
            return;
        }
        try
        {
            write(capture.bytes());
            eventsWritten = capture.events();
            capture.written().run();
            writes.incrementAndGet();
            failing = false;
        }
        catch (final IOException | RuntimeException e)
        {
            writeFailed(e);
        }
    }

    private void writeFailed(final Exception e)
    {
        writeFailures.incrementAndGet();
        if (!failing)
        {
            failing = true;
            LOG.log(Level.SEVERE, "cannot save the learnt detector state to " + file
                + "; a restart would learn again since the last good save", e);
        }
    }

    /** Atomic and durable ({@link AtomicFile}: temp file (0640), fsync, rename over the old file). */
    void write(final byte[] bytes) throws IOException
    {
        AtomicFile.write(file, bytes);
    }

    /** CRC-32 of {@code bytes[0, length)}. */
    static long crc(final byte[] bytes, final int length)
    {
        final CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }

    /** Streams over byte arrays, for the codec. */
    static DataOutputStream out(final ByteArrayOutputStream bytes)
    {
        return new DataOutputStream(bytes);
    }

    static DataInputStream in(final byte[] bytes, final int length)
    {
        return new DataInputStream(new ByteArrayInputStream(bytes, 0, length));
    }
}
