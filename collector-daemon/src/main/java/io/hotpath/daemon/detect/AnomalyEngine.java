package io.hotpath.daemon.detect;

import io.hotpath.daemon.aggregate.ClosedInterval;
import io.hotpath.daemon.aggregate.IntervalListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Anomaly detection on the daemon's 1-second series: for every series the aggregator reports, an
 * {@link AnomalyMonitor} per configured signal and detector; events logged, counted, kept in a
 * bounded ring for {@code /api/anomalies}, and exposed as the {@code hotpath_anomaly_*} families (by
 * {@code expose/AnomalyMetricFamilies}, through {@link #forEachMonitor}). The series and their
 * pools are {@link WatchedSeries}; the JSON document is {@link AnomaliesJson}; the learnt state
 * survives restarts through {@link DetectorStateFile}.
 *
 * <p><b>Threads.</b> Single writer, many readers: {@link #onInterval} runs on the aggregation thread
 * only; {@link #anomaliesJson} and the other readers may run on any thread
 * (the HTTP event loop) at the same time. Per-monitor state is published through volatile fields,
 * series through a concurrent map, closed events through a small synchronized ring (events are rare).
 *
 * <p><b>Memory</b> is bounded: at most {@code max_series} series are watched (more are ignored and
 * counted), a series not reported for {@code idle_eviction} is forgotten, detector windows are
 * fixed float rings (with the default six monitors a series costs roughly 8 KB of heap in all),
 * and the ring keeps {@code recent_events}.
 *
 * <p>Just over 400 lines: the engine is the one owner of the monitors, their stall attribution and
 * the event ring, and splitting those apart would publish state across threads twice.
 *
 * <p><b>Cost</b> per series per second: one pass per monitor; the MAD and level-shift detectors keep
 * their windows sorted (binary search and a short array move per value, a half-pass for the MAD).
 */
public final class AnomalyEngine implements IntervalListener
{
    /** The aggregator's interval. */
    public static final long STEP_MILLIS = 1000;

    private static final Logger LOG = Logger.getLogger(AnomalyEngine.class.getName());
    private static final long SWEEP_EVERY_MILLIS = 60_000;

    private final AnomalySettings settings;
    private final Consumer<AnomalyEvent> eventSink;
    private final Predicate<String> serviceGone;
    private final Map<String, WatchedSeries> series = new ConcurrentHashMap<>();
    /** Per service: its stalls (see {@link StallWatch}); a few bytes per service ever seen. */
    private final Map<String, StallWatch> stalls = new ConcurrentHashMap<>();
    private final ArrayDeque<AnomalyEvent> recent = new ArrayDeque<>();
    private final AtomicLong eventIds = new AtomicLong();
    private final long idleEvictionMillis;
    private final IncidentGrouper incidents;
    /** The daemon's own late closes of intervals: evidence of a host stall (see {@link #liveClock}). */
    private final HostStalls host = new HostStalls(STEP_MILLIS);

    private long lastIntervalStart = Long.MIN_VALUE;
    private long lastSweep = Long.MIN_VALUE;
    private volatile long seriesIgnored;
    private volatile long listenerFailures;
    private volatile long eventsOpened;
    private volatile DetectorStateFile stateFile;

    public AnomalyEngine(final AnomalySettings settings)
    {
        this(settings, event -> { });
    }

    /**
     * @param eventSink also told of every event start and end (after the log line), on the
     *                  aggregation thread; must be quick
     */
    public AnomalyEngine(final AnomalySettings settings, final Consumer<AnomalyEvent> eventSink)
    {
        this(settings, eventSink, service -> false);
    }

    /**
     * @param serviceGone true for a service none of whose JVMs is alive any more (every spool queue
     *                    of it closed or its process gone); asked on the aggregation thread, once
     *                    per series per interval, so it must be a cheap lookup. Such a service's
     *                    throughput is not watched: its silence is a shutdown, not an outage. Traffic
     *                    that stops while a JVM lives is still a throughput anomaly.
     */
    public AnomalyEngine(
        final AnomalySettings settings, final Consumer<AnomalyEvent> eventSink, final Predicate<String> serviceGone)
    {
        this.settings = settings;
        this.eventSink = eventSink;
        this.serviceGone = serviceGone;
        this.idleEvictionMillis = settings.idleEviction().toMillis();
        this.incidents = new IncidentGrouper(INCIDENT_GROUP_INTERVALS * STEP_MILLIS, settings.recentEvents());
    }

    /** Events opening within this many intervals of an open incident's last member join it. */
    static final long INCIDENT_GROUP_INTERVALS = 30;

    /**
     * The incidents: events of any series and signal that start together, grouped. Listeners
     * ({@link IncidentGrouper#addListener}) hear each incident open, change and close.
     */
    public IncidentGrouper incidents()
    {
        return incidents;
    }

    @Override
    public void onInterval(final ClosedInterval interval)
    {
        try
        {
            observe(interval);
        }
        catch (final RuntimeException e)
        {
            // A detector or sink bug must not stop the aggregation thread: count it, log the first few.
            if (listenerFailures++ < 10)
            {
                LOG.log(Level.SEVERE, "anomaly detection failed on " + interval.seriesKey(), e);
            }
        }
    }

    /**
     * Calls of a closed interval read after it closed (mostly the last moments of the previous
     * second): not judged, but their share of the service's calls is evidence of a stall of its JVM ({@link StallWatch}).
     */
    @Override
    public void onLateInterval(final ClosedInterval samples)
    {
        final WatchedSeries watch = series.get(samples.seriesKey());
        if (watch != null)
        {
            watch.noteLate(samples.count());
        }
    }

    private void observe(final ClosedInterval interval)
    {
        final long time = interval.intervalStartEpochMillis();
        if (time > lastIntervalStart)
        {
            lastIntervalStart = time;
            host.closing(time);
            if (lastSweep == Long.MIN_VALUE)
            {
                lastSweep = time;
            }
            else if (time - lastSweep >= SWEEP_EVERY_MILLIS)
            {
                lastSweep = time;
                evictIdle(time);
            }
        }
        final String key = interval.seriesKey();
        WatchedSeries watch = series.get(key);
        if (watch == null)
        {
            if (series.size() >= settings.maxSeries())
            {
                seriesIgnored++;
                return;
            }
            watch = newWatch(key, interval.labels());
            series.put(key, watch);
        }
        if (time <= watch.lastSeen)
        {
            return;
        }
        watch.lastSeen = time;
        watch.observe(interval, time, watch.service != null && serviceGone.test(watch.service), this::publish);
    }

    private void publish(final AnomalyEvent event)
    {
        if (event.isOpen())
        {
            eventsOpened++;
            LOG.log(event.severity() == Severity.CRITICAL ? Level.WARNING : Level.INFO, event.logLine());
        }
        else
        {
            synchronized (recent)
            {
                if (recent.size() == settings.recentEvents())
                {
                    recent.removeFirst();
                }
                recent.addLast(event);
            }
            LOG.log(Level.INFO, event.logLine());
        }
        eventSink.accept(event);
        incidents.onEvent(event);
    }

    private void evictIdle(final long now)
    {
        final Iterator<WatchedSeries> watches = series.values().iterator();
        while (watches.hasNext())
        {
            final WatchedSeries watch = watches.next();
            if (now - watch.lastSeen > idleEvictionMillis)
            {
                for (final WatchedSeries.WatchedSignal watched : watch.signals)
                {
                    for (final AnomalyMonitor monitor : watched.monitors)
                    {
                        final AnomalyEvent closed = monitor.close();
                        if (closed != null)
                        {
                            publish(closed);
                        }
                    }
                }
                watches.remove();
            }
        }
    }

    /**
     * Visits every monitor of every watched series, series by series; for exposition, which renders
     * on the aggregation thread (the only writer) once per rotation. {@code seriesLabels} is the
     * series' label set, shared by its monitors.
     */
    public void forEachMonitor(final MonitorVisitor visitor)
    {
        for (final WatchedSeries watch : series.values())
        {
            for (final WatchedSeries.WatchedSignal watched : watch.signals)
            {
                for (final AnomalyMonitor monitor : watched.monitors)
                {
                    visitor.visit(monitor, watch.labels);
                }
            }
        }
    }

    /** See {@link #forEachMonitor}. */
    @FunctionalInterface
    public interface MonitorVisitor
    {
        void visit(AnomalyMonitor monitor, Map<String, String> seriesLabels);
    }

    /** Open events now, oldest first. */
    public List<AnomalyEvent> activeEvents()
    {
        final List<AnomalyEvent> active = new ArrayList<>();
        for (final WatchedSeries watch : series.values())
        {
            for (final WatchedSeries.WatchedSignal watched : watch.signals)
            {
                for (final AnomalyMonitor monitor : watched.monitors)
                {
                    final AnomalyEvent event = monitor.openEvent();
                    if (event != null)
                    {
                        active.add(event);
                    }
                }
            }
        }
        active.sort(Comparator.comparingLong(AnomalyEvent::id));
        return active;
    }

    /** The most recently closed events, newest first, at most {@code limit}. */
    public List<AnomalyEvent> recentEvents(final int limit)
    {
        final List<AnomalyEvent> events = new ArrayList<>();
        synchronized (recent)
        {
            final Iterator<AnomalyEvent> newestFirst = recent.descendingIterator();
            while (newestFirst.hasNext() && events.size() < limit)
            {
                events.add(newestFirst.next());
            }
        }
        return events;
    }

    /** Current score of every watched series, signal and detector. */
    public List<Score> currentScores()
    {
        final List<Score> scores = new ArrayList<>();
        for (final WatchedSeries watch : series.values())
        {
            for (final WatchedSeries.WatchedSignal watched : watch.signals)
            {
                for (final AnomalyMonitor monitor : watched.monitors)
                {
                    scores.add(new Score(watch.key, watched.signal, monitor.detectorKind(),
                        monitor.score(), monitor.active()));
                }
            }
        }
        return scores;
    }

    /** One entry of {@link #currentScores()}. */
    public record Score(String seriesKey, Signal signal, DetectorKind detector, double score, boolean active)
    {
    }

    /**
     * The {@code /api/anomalies} document: {@code active} events, the {@code recent} closed ones
     * (newest first, at most {@code limit}), and counts. UTF-8 JSON.
     */
    public byte[] anomaliesJson(final int limit)
    {
        return anomaliesJson(limit, false);
    }

    /**
     * As {@link #anomaliesJson(int)}; with {@code scores}, also {@code scores}: the current score
     * and state of every watched series, signal and detector (whatever {@code /metrics} exposes).
     */
    public byte[] anomaliesJson(final int limit, final boolean scores)
    {
        return AnomaliesJson.render(this, limit, scores);
    }

    /** The {@code anomalies} section of {@code /health} (events, incidents, stalls attributed); any thread. */
    public Map<String, Object> health()
    {
        return AnomaliesJson.health(this);
    }

    /** The learnt-state file's counts, or null when none is kept (tests, backtest). */
    public DetectorStateFile.Stats stateStats()
    {
        final DetectorStateFile file = stateFile;
        return file == null ? null : file.stats();
    }

    void stateFile(final DetectorStateFile file)
    {
        stateFile = file;
    }

    /**
     * Whether the stall counts are saved ({@link DetectorStateFile}): then the metrics show them as of the last
     * file on disk ({@link StallWatch#stallsSaved}), else as counted.
     */
    public boolean stallsSaved()
    {
        return stateFile != null;
    }

    /** The watched series, for {@link DetectorStateCodec}; aggregation thread. */
    Collection<WatchedSeries> watched()
    {
        return series.values();
    }

    /** A new watch of {@code key} with this engine's settings (not yet watched). */
    WatchedSeries newWatch(final String key, final Map<String, String> labels)
    {
        return new WatchedSeries(key, labels, settings, eventIds::incrementAndGet, this::stallWatch);
    }

    /** The last event id handed out. */
    long lastEventId()
    {
        return eventIds.get();
    }

    /**
     * Takes over series with their learnt state and the counts of a previous run (see
     * {@link DetectorStateFile}); before the first interval, on the thread that will feed them.
     */
    void restore(final List<WatchedSeries> restored, final long lastEventId, final long events, final long incidentsOpened)
    {
        for (final WatchedSeries watch : restored)
        {
            if (series.size() < settings.maxSeries())
            {
                series.put(watch.key, watch);
            }
        }
        eventIds.set(Math.max(eventIds.get(), lastEventId));
        eventsOpened = Math.max(eventsOpened, events);
        incidents.restoreOpened(Math.max(incidents.opened(), incidentsOpened));
    }

    /**
     * Intervals are closed live by the wall clock {@code clock} (the daemon; not a replay or a test
     * feeding past times): how late each closes is evidence of a host stall ({@link HostStalls}).
     * Before the first interval.
     */
    public void liveClock(final LongSupplier clock)
    {
        host.useClock(clock);
    }

    /**
     * {@code catchingUp} is true while the daemon catches up with its spool after a start (reads the backlog a
     * previous process left): its intervals closed meanwhile are late by the daemon's own doing, no host stall
     * ({@link HostStalls}). Before the first interval.
     */
    public void catchingUpWhile(final BooleanSupplier catchingUp)
    {
        host.catchingUpWhile(catchingUp);
    }

    /** The daemon's evidence of host stalls (its own late closes of intervals). */
    public HostStalls hostStalls()
    {
        return host;
    }

    /** Stalls seen per service (see {@link StallWatch}), for the metrics and {@code /api/anomalies}. */
    public Collection<StallWatch> stallWatches()
    {
        return stalls.values();
    }

    /** Stalls counted over every service. */
    long stallsCounted()
    {
        long counted = 0;
        for (final StallWatch watch : stalls.values())
        {
            counted += watch.count().stalls();
        }
        return counted;
    }

    /** Takes over the stall counts of a previous run (see {@link DetectorStateFile}); before the first interval. */
    void restoreStalls(final Map<String, Long> counts)
    {
        counts.forEach((service, count) -> stallWatch(service).restore(count));
    }

    private StallWatch stallWatch(final String service)
    {
        return stalls.computeIfAbsent(service, s -> new StallWatch(s, STEP_MILLIS, host));
    }

    /** Series watched now. */
    public int seriesWatched()
    {
        return series.size();
    }

    /** Series not watched because {@code max_series} was reached (each report counted). */
    public long seriesIgnored()
    {
        return seriesIgnored;
    }

    /** Events opened since start. */
    public long eventsOpened()
    {
        return eventsOpened;
    }

    /** Intervals on which detection failed with an exception (a bug; logged). */
    public long listenerFailures()
    {
        return listenerFailures;
    }
}
