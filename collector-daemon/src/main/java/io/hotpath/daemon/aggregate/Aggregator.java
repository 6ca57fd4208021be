package io.hotpath.daemon.aggregate;

import java.nio.BufferUnderflowException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The aggregation core: takes decoded samples, keeps per-series intervals and windows, and rotates
 * every second on wall-clock boundaries.
 *
 * <h2>Threading</h2>
 * Single-writer: one thread (the daemon's ingest loop) calls {@link #record} and {@link #rotate}.
 * Because the same thread records and rotates, intervals need no recorder phaser: the open interval
 * is drained and reused at rotation (double buffering with reuse). Other threads only read the
 * immutable {@link #latest()} snapshot, published through a volatile field.
 *
 * <h2>Time</h2>
 * A sample belongs to the second of its end timestamp. The open second is the wall clock's; a
 * sample from the future is counted into it. A sample of a closed second lands in the window blocks
 * holding that second ({@link WindowTiers#recordLate}); when none holds it any more (older than the
 * windows, or from before a restart) it is counted into the open second and into
 * {@code hotpath_late_samples_total}. Cumulative counters always count every sample once.
 *
 * <h2>Rotation</h2>
 * {@link #rotate} closes every second before the wall clock's: per series the open interval is
 * sorted once into its closed form, folded into the windows (which refresh on their own cadence,
 * see {@link WindowTiers}), listeners are called (late samples first, then every series' interval,
 * empty ones too, then {@link IntervalListener#afterRotation}), and one snapshot with all quantiles
 * is taken, so that a scrape only reads.
 */
public final class Aggregator
{
    private static final Logger LOG = Logger.getLogger(Aggregator.class.getName());
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final AggregationSettings settings;
    private final SeriesRegistry registry;
    private final ErrorTypes errorTypes = new ErrorTypes();
    private final List<IntervalListener> listeners = new CopyOnWriteArrayList<>();
    private final double[] exemplarQuantile;
    private final long[] quantileScratch = new long[Quantiles.REPORTED.length];
    private long[] sortScratch = new long[256];
    private final WindowScratch windowScratch = new WindowScratch();
    private long openSecond;
    private volatile AggregateSnapshot latest;
    /** Set once by a daemon that checkpoints, before its aggregation thread starts. */
    private volatile boolean lateAsOfCheckpoint;
    private long closeGraceMillis;
    private final List<String> failedListeners = new ArrayList<>();

    public Aggregator(final AggregationSettings settings, final long nowEpochMillis)
    {
        this.settings = settings;
        this.registry = new SeriesRegistry(settings.bucketBoundsNanos(), settings.maxSeriesPerMetric());
        double lowest = Double.NaN;
        for (final double q : settings.exemplarQuantiles())
        {
            lowest = Double.isNaN(lowest) ? q : Math.min(lowest, q);
        }
        this.exemplarQuantile = Double.isNaN(lowest) ? new double[0] : new double[] { lowest };
        this.openSecond = Math.floorDiv(nowEpochMillis, 1000L);
        this.latest = AggregateSnapshot.empty(nowEpochMillis);
    }

    public AggregationSettings settings()
    {
        return settings;
    }

    public SeriesRegistry registry()
    {
        return registry;
    }

    public ErrorTypes errorTypes()
    {
        return errorTypes;
    }

    /** Registers a downstream consumer of closed intervals (anomaly detectors, SLOs); thread-safe. */
    public void addIntervalListener(final IntervalListener listener)
    {
        listeners.add(listener);
    }

    /** The second currently being recorded, epoch seconds. */
    public long openSecond()
    {
        return openSecond;
    }

    /** When the next rotation is due: the start of the next wall-clock second (plus the grace), epoch millis. */
    public long nextRotationEpochMillis()
    {
        return (openSecond + 1) * 1000L + closeGraceMillis;
    }

    /**
     * Holds each second open this long past its end before closing it, so that samples a writer sent just before the
     * boundary but that were read just after it (an agent's pre-boundary write delayed on a loaded host) still land
     * in their own 1-second interval; samples of the new second meanwhile wait in {@link Series#next}. Before the
     * first rotation.
     */
    public void closeGraceMillis(final long graceMillis)
    {
        if (graceMillis < 0 || graceMillis >= 1000)
        {
            throw new IllegalArgumentException("close grace must be 0-999 ms, got " + graceMillis);
        }
        this.closeGraceMillis = graceMillis;
    }

    public long closeGraceMillis()
    {
        return closeGraceMillis;
    }

    public AggregateSnapshot latest()
    {
        return latest;
    }

    /**
     * Counts one sample. No allocation on this path (arrays grow only on a series' first error of a
     * new type).
     */
    public void record(
        final Series series,
        final long endEpochNanos,
        final long durationNanos,
        final boolean error,
        final int errorTypeIndex,
        final long payloadBytes,
        final boolean traced,
        final long traceIdHigh,
        final long traceIdLow,
        final long spanId)
    {
        final int bucket = series.countCumulative(durationNanos, error, errorTypeIndex, payloadBytes);
        final long second = Math.floorDiv(endEpochNanos, NANOS_PER_SECOND);
        if (second == openSecond || second > openSecond && closeGraceMillis == 0)
        {
            series.open.record(durationNanos, error, payloadBytes);
        }
        else if (second > openSecond)
        {
            series.next(second).record(durationNanos, error, payloadBytes); // the wall clock is past the open second's end
        }
        else if (second < openSecond - WindowTiers.HORIZON_SECONDS ||
            !series.windows.recordLate(second, durationNanos, error, payloadBytes, windowScratch))
        {
            series.open.record(durationNanos, error, payloadBytes);
            series.countLate();
        }
        else if (!listeners.isEmpty())
        {
            series.holdLateForListeners(second, durationNanos, error, payloadBytes);
        }
        if (traced)
        {
            series.offerExemplar(bucket, durationNanos, endEpochNanos / 1_000_000L, traceIdHigh, traceIdLow, spanId);
        }
    }

    /**
     * Notes that a sample just {@link #record recorded} was written after its second ended (its batch's write time):
     * the interval that holds it counts it in {@link ClosedInterval#writtenLateCount}. A sample of a closed second
     * needs nothing: it reaches the listeners as a late one.
     */
    public void countWrittenLate(final Series series, final long endEpochNanos)
    {
        final long second = Math.floorDiv(endEpochNanos, NANOS_PER_SECOND);
        if (second >= openSecond)
        {
            final IntervalCounts block = closeGraceMillis == 0 ? series.open : series.blockOf(second, openSecond);
            if (block != null)
            {
                block.countWrittenLate();
            }
        }
    }

    /**
     * Closes every second before {@code nowEpochMillis - closeGraceMillis}'s and publishes a new snapshot.
     *
     * @return false when no second has ended since the last rotation.
     */
    public boolean rotate(final long nowEpochMillis)
    {
        final long nowSecond = Math.floorDiv(nowEpochMillis - closeGraceMillis, 1000L);
        if (nowSecond <= openSecond)
        {
            return false;
        }
        final long started = System.nanoTime();
        if (nowSecond - openSecond > WindowTiers.HORIZON_SECONDS)
        {
            // A stall longer than every window: keep the open second's data, forget the windows.
            closeSecond(openSecond);
            for (final Series series : registry.all())
            {
                series.windows.clear();
            }
            openSecond = nowSecond;
        }
        while (openSecond < nowSecond)
        {
            closeSecond(openSecond);
            openSecond++;
        }
        rotationComplete();
        publish(nowEpochMillis, started);
        return true;
    }

    /** Closes the open second early (shutdown): its samples reach the windows and the last snapshot. */
    public void flush(final long nowEpochMillis)
    {
        final long started = System.nanoTime();
        closeSecond(openSecond);
        openSecond++;
        if (registry.all().stream().anyMatch(Series::holdsNext))
        {
            closeSecond(openSecond); // what was read of the seconds after it, during the grace
            openSecond++;
        }
        rotationComplete();
        publish(nowEpochMillis, started);
    }

    private void closeSecond(final long second)
    {
        final List<Series> all = registry.all();
        for (int i = 0, n = all.size(); i < n; i++)
        {
            sortScratch = all.get(i).closeSecond(second, sortScratch, exemplarQuantile, quantileScratch, windowScratch);
        }
        if (!listeners.isEmpty())
        {
            for (int i = 0, n = all.size(); i < n; i++)
            {
                final Series series = all.get(i);
                if (series.hasLateForListeners())
                {
                    for (final IntervalListener listener : listeners)
                    {
                        try
                        {
                            series.deliverLate(listener);
                        }
                        catch (final RuntimeException e)
                        {
                            listenerFailed(listener, e);
                        }
                    }
                    series.clearLate();
                }
            }
            for (final IntervalListener listener : listeners)
            {
                for (int i = 0, n = all.size(); i < n; i++)
                {
                    try
                    {
                        listener.onInterval(all.get(i));
                    }
                    catch (final RuntimeException e)
                    {
                        listenerFailed(listener, e);
                    }
                }
            }
        }
    }

    private void rotationComplete()
    {
        for (final IntervalListener listener : listeners)
        {
            try
            {
                listener.afterRotation();
            }
            catch (final RuntimeException e)
            {
                listenerFailed(listener, e);
            }
        }
    }

    private void listenerFailed(final IntervalListener listener, final RuntimeException e)
    {
        final String name = listener.getClass().getName();
        if (!failedListeners.contains(name))
        {
            failedListeners.add(name);
            LOG.log(Level.WARNING, "interval listener " + name + " failed (logged once)", e);
        }
    }

    /**
     * Each series' open interval, for the checkpoint: with the close grace a checkpoint taken right after a rotation
     * already has samples of the next second in it, which its queue positions make durable but the listeners have not
     * seen; saved with it and restored by {@link #restoreOpenIntervals}, they close after a restart as they would
     * have without it. Empty without the grace (the open second is empty right after a rotation).
     */
    public Map<String, byte[]> captureOpenIntervals()
    {
        final Map<String, byte[]> saved = new TreeMap<>();
        final List<Series> all = registry.all();
        for (int i = 0, n = all.size(); i < n; i++)
        {
            final byte[] open = all.get(i).saveOpen();
            if (open != null)
            {
                saved.put(all.get(i).seriesKey(), open);
            }
        }
        return saved;
    }

    /** Restores {@link #captureOpenIntervals} into the series restored from the same checkpoint; before any read. */
    public void restoreOpenIntervals(final Map<String, byte[]> saved)
    {
        if (saved.isEmpty())
        {
            return;
        }
        final Map<String, Series> byKey = new HashMap<>();
        for (final Series series : registry.all())
        {
            byKey.put(series.seriesKey(), series);
        }
        int unknown = 0;
        for (final Map.Entry<String, byte[]> entry : saved.entrySet())
        {
            final Series series = byKey.get(entry.getKey());
            try
            {
                if (series == null)
                {
                    unknown++;
                    continue;
                }
                series.restoreOpen(entry.getValue());
            }
            catch (final BufferUnderflowException | IndexOutOfBoundsException e)
            {
                unknown++;
            }
        }
        if (unknown > 0)
        {
            LOG.warning(unknown + " open intervals in the checkpoint were unreadable or of no restored series: " +
                "their samples are in the counters but not in SLO and native-histogram counts");
        }
    }

    /**
     * From now on {@code hotpath_late_samples_total} is exposed as of the last checkpoint on disk
     * ({@link Series#lateSamplesDurable}): the daemon checkpoints, so a restart must not show it lower.
     */
    public void exposeLateSamplesAsOfCheckpoint()
    {
        lateAsOfCheckpoint = true;
    }

    private void publish(final long nowEpochMillis, final long startedNanos)
    {
        final List<Series> all = registry.all();
        final List<SeriesSnapshot> snapshots = new ArrayList<>(all.size());
        for (int i = 0, n = all.size(); i < n; i++)
        {
            snapshots.add(all.get(i).snapshot(lateAsOfCheckpoint));
        }
        final Map<String, Long> overflow = new TreeMap<>(registry.overflowByMetric());
        latest = new AggregateSnapshot(
            (openSecond - 1) * 1000L, nowEpochMillis, System.nanoTime() - startedNanos,
            List.copyOf(snapshots), errorTypes.names(), Map.copyOf(overflow));
    }
}
