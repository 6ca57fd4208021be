package io.hotpath.daemon.detect;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The bytes of {@link DetectorStateFile} (format described there). */
final class DetectorStateCodec
{
    private static final int MAX_STATE_BYTES = 1 << 20;

    private DetectorStateCodec()
    {
    }

    /** The engine's state now; aggregation thread only (the single writer of every monitor). */
    static byte[] write(final AnomalyEngine engine, final long now) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        final DataOutputStream out = DetectorStateFile.out(bytes);
        out.writeInt(DetectorStateFile.MAGIC);
        out.writeInt(DetectorStateFile.VERSION);
        out.writeLong(now);
        out.writeLong(engine.lastEventId());
        out.writeLong(engine.eventsOpened());
        out.writeLong(engine.incidents().opened());
        final List<WatchedSeries> all = new ArrayList<>(engine.watched());
        out.writeInt(all.size());
        final ByteArrayOutputStream state = new ByteArrayOutputStream(1024);
        final DataOutputStream stateOut = DetectorStateFile.out(state);
        for (final WatchedSeries watch : all)
        {
            out.writeUTF(watch.key);
            out.writeInt(watch.labels.size());
            for (final Map.Entry<String, String> label : watch.labels.entrySet())
            {
                out.writeUTF(label.getKey());
                out.writeUTF(label.getValue());
            }
            out.writeLong(watch.lastSeen);
            int monitors = 0;
            for (final WatchedSeries.WatchedSignal signal : watch.signals)
            {
                monitors += signal.monitors.length;
            }
            out.writeInt(monitors);
            for (final WatchedSeries.WatchedSignal signal : watch.signals)
            {
                for (final AnomalyMonitor monitor : signal.monitors)
                {
                    out.writeUTF(signal.signal.label());
                    out.writeUTF(monitor.detectorKind().label());
                    out.writeLong(monitor.events(Severity.WARNING));
                    out.writeLong(monitor.events(Severity.CRITICAL));
                    state.reset();
                    final boolean kept = monitor.detector().writeState(stateOut);
                    stateOut.flush();
                    out.writeInt(kept ? state.size() : 0);
                    state.writeTo(out);
                }
            }
        }
        final List<StallWatch> stalls = new ArrayList<>(engine.stallWatches());
        out.writeInt(stalls.size());
        for (final StallWatch watch : stalls)
        {
            final StallWatch.Count count = watch.count();
            out.writeUTF(count.service());
            out.writeLong(count.stalls());
        }
        out.flush();
        final long crc = DetectorStateFile.crc(bytes.toByteArray(), bytes.size());
        out.writeLong(crc);
        out.flush();
        return bytes.toByteArray();
    }

    /**
     * Reads {@code bytes} fully and only then hands the series to {@code engine}: a bad file changes
     * nothing. Returns the series restored.
     */
    static int read(final byte[] bytes, final AnomalyEngine engine) throws IOException
    {
        if (bytes.length < 12)
        {
            throw new IOException("too short: " + bytes.length + " bytes");
        }
        final int length = bytes.length - 8;
        if (DetectorStateFile.crc(bytes, length) != ByteBuffer.wrap(bytes, length, 8).getLong())
        {
            throw new IOException("checksum mismatch: the file is corrupt");
        }
        final DataInputStream in = DetectorStateFile.in(bytes, length);
        if (in.readInt() != DetectorStateFile.MAGIC)
        {
            throw new IOException("not a detector state file");
        }
        final int version = in.readInt();
        if (version != DetectorStateFile.VERSION && version != 1)
        {
            throw new IOException("version " + version + ", this hotpathd reads " + DetectorStateFile.VERSION);
        }
        in.readLong(); // saved at
        final long lastEventId = in.readLong();
        final long eventsOpened = in.readLong();
        final long incidentsOpened = in.readLong();
        final int seriesCount = count(in.readInt(), "series");
        final List<WatchedSeries> restored = new ArrayList<>();
        for (int s = 0; s < seriesCount; s++)
        {
            final String key = in.readUTF();
            final int labelCount = count(in.readInt(), "labels");
            final Map<String, String> labels = new LinkedHashMap<>();
            for (int l = 0; l < labelCount; l++)
            {
                labels.put(in.readUTF(), in.readUTF());
            }
            final WatchedSeries watch = engine.newWatch(key, labels);
            watch.lastSeen = in.readLong();
            final int monitors = count(in.readInt(), "monitors");
            for (int m = 0; m < monitors; m++)
            {
                final String signal = in.readUTF();
                final String detector = in.readUTF();
                final long warnings = in.readLong();
                final long criticals = in.readLong();
                final int stateLength = in.readInt();
                if (stateLength < 0 || stateLength > MAX_STATE_BYTES)
                {
                    throw new IOException("bad detector state length " + stateLength);
                }
                final byte[] state = in.readNBytes(stateLength);
                final AnomalyMonitor monitor = find(watch, signal, detector);
                if (monitor != null) // else: no longer configured
                {
                    monitor.restore(warnings, criticals, stateLength == 0 ? null : DetectorStateFile.in(state, stateLength));
                }
            }
            restored.add(watch);
        }
        final Map<String, Long> stalls = new LinkedHashMap<>();
        final int services = version == 1 ? 0 : count(in.readInt(), "services");
        for (int s = 0; s < services; s++)
        {
            stalls.put(in.readUTF(), in.readLong());
        }
        if (in.available() != 0)
        {
            throw new IOException(in.available() + " bytes after the last series");
        }
        engine.restore(restored, lastEventId, eventsOpened, incidentsOpened);
        engine.restoreStalls(stalls);
        return restored.size();
    }

    private static int count(final int value, final String what) throws IOException
    {
        if (value < 0 || value > 10_000_000)
        {
            throw new IOException("bad " + what + " count " + value);
        }
        return value;
    }

    private static AnomalyMonitor find(final WatchedSeries watch, final String signal, final String detector)
    {
        for (final WatchedSeries.WatchedSignal watched : watch.signals)
        {
            if (watched.signal.label().equals(signal))
            {
                for (final AnomalyMonitor monitor : watched.monitors)
                {
                    if (monitor.detectorKind().label().equals(detector))
                    {
                        return monitor;
                    }
                }
            }
        }
        return null;
    }
}
