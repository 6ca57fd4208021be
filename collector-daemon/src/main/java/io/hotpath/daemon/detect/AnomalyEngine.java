package io.hotpath.daemon.detect;

import java.util.logging.Level;
import java.util.logging.Logger;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.hotpath.daemon.aggregate.ClosedInterval;
import io.hotpath.daemon.aggregate.IntervalListener;
import io.hotpath.daemon.rules.LabelSets;
import io.hotpath.daemon.rules.MetricFamilyWriter;
import io.hotpath.daemon.rules.MetricNames;

/**
 * Anomaly detection on the daemon's 1-second series: for every series the aggregator reports, an
 * {@link AnomalyMonitor} per configured signal and detector; events logged, counted, kept in a
 * bounded ring for {@code /api/anomalies}, and exposed as the {@code hotpath_anomaly_*} families.
 *
 * <p><b>Threads.</b> Single writer, many readers: {@link #onInterval} runs on the aggregation thread
 * only; {@link #writeMetrics}, {@link #anomaliesJson} and the other readers may run on any thread
 * (the HTTP event loop) at the same time. Per-monitor state is published through volatile fields,
 * series through a concurrent map, closed events through a small synchronized ring (events are rare).
 *
 * <p><b>Memory</b> is bounded: at most {@code max_series} series are watched (more are ignored and
 * counted), a series not reported for {@code idle_eviction} is forgotten, detector windows are
 * fixed float rings (with the default six monitors a series costs roughly 8 KB of heap in all),
 * and the ring keeps {@code recent_events}.
 *
 * <p><b>Cost</b> per series per second: one pass per monitor; the MAD and level-shift detectors keep
 * their windows sorted (binary search and a short array move per value, a half-pass for the MAD).
 */
public final class AnomalyEngine implements IntervalListener
{
    /** The aggregator's interval. */
    public static final long STEP_MILLIS = 1000;

    private static final Logger LOG = Logger.getLogger(AnomalyEngine.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SWEEP_EVERY_MILLIS = 60_000;
    /**
     * A latency or error-ratio value opens an event at once on a critical score only when it rests
     * on at least this many times {@code min_calls} calls (100 by default): below about 100 calls a
     * p99 is the slowest call or two, and one stalled call (a GC pause, a starved CPU) is not an
     * outage. Such values need {@code min_duration} like any other, and are still critical.
     */
    static final long CRITICAL_AT_ONCE_MIN_CALLS_FACTOR = 5;

    private final AnomalySettings settings;
    private final Consumer<AnomalyEvent> eventSink;
    private final Predicate<String> serviceGone;
    private final Map<String, SeriesWatch> series = new ConcurrentHashMap<>();
    private final ArrayDeque<AnomalyEvent> recent = new ArrayDeque<>();
    private final AtomicLong eventIds = new AtomicLong();
    private final long idleEvictionMillis;
    private final IncidentGrouper incidents;

    private long lastIntervalStart = Long.MIN_VALUE;
    private long lastSweep = Long.MIN_VALUE;
    private volatile long seriesIgnored;
    private volatile long listenerFailures;
    private volatile long eventsOpened;

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

    private void observe(final ClosedInterval interval)
    {
        final long time = interval.intervalStartEpochMillis();
        if (time > lastIntervalStart)
        {
            lastIntervalStart = time;
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
        SeriesWatch watch = series.get(key);
        if (watch == null)
        {
            if (series.size() >= settings.maxSeries())
            {
                seriesIgnored++;
                return;
            }
            watch = new SeriesWatch(key, interval.labels());
            series.put(key, watch);
        }
        if (time <= watch.lastSeen)
        {
            return;
        }
        watch.lastSeen = time;
        for (final WatchedSignal watched : watch.signals)
        {
            final double value;
            boolean criticalOpensAtOnce = true;
            if (watched.signal == Signal.THROUGHPUT)
            {
                // A JVM that exited takes its calls with it: no verdict rather than a drop to zero.
                value = watch.service != null && serviceGone.test(watch.service) ? Double.NaN : interval.count();
            }
            else if (!watched.valueOf(interval, time))
            {
                continue; // pooling a quiet interval: no value yet, the monitors keep their state
            }
            else
            {
                value = watched.value;
                criticalOpensAtOnce = watched.valueCalls >= CRITICAL_AT_ONCE_MIN_CALLS_FACTOR * watched.minCount;
            }
            for (final Exposed exposed : watched.monitors)
            {
                final AnomalyEvent event = exposed.monitor.observe(time, value, criticalOpensAtOnce,
                    watched.signal == Signal.ERROR_RATIO ? watched.valueCalls : 0);
                if (event != null)
                {
                    publish(event);
                }
            }
        }
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
        final Iterator<SeriesWatch> watches = series.values().iterator();
        while (watches.hasNext())
        {
            final SeriesWatch watch = watches.next();
            if (now - watch.lastSeen > idleEvictionMillis)
            {
                for (final WatchedSignal watched : watch.signals)
                {
                    for (final Exposed exposed : watched.monitors)
                    {
                        final AnomalyEvent closed = exposed.monitor.close();
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
     * Writes {@code hotpath_anomaly_score} and {@code hotpath_anomaly_active} for every watched
     * series, signal and detector, and {@code hotpath_anomalies_total} (by severity) for those that
     * have had an event; a counter appears with its first event, keeping idle series cheap to scrape.
     */
    public void writeMetrics(final MetricFamilyWriter writer)
    {
        writer.family(MetricNames.ANOMALY_SCORE, MetricFamilyWriter.Type.GAUGE,
            "Anomaly score of the last 1s interval in standard deviations from the detector's baseline "
                + "(NaN while warming up or without data).");
        for (final SeriesWatch watch : series.values())
        {
            for (final WatchedSignal watched : watch.signals)
            {
                for (final Exposed exposed : watched.monitors)
                {
                    writer.sample(MetricNames.ANOMALY_SCORE, exposed.labels, exposed.monitor.score());
                }
            }
        }
        writer.family(MetricNames.ANOMALIES_TOTAL, MetricFamilyWriter.Type.COUNTER,
            "Anomaly events opened, by the severity known when they opened.");
        for (final SeriesWatch watch : series.values())
        {
            for (final WatchedSignal watched : watch.signals)
            {
                for (final Exposed exposed : watched.monitors)
                {
                    final long warnings = exposed.monitor.events(Severity.WARNING);
                    final long criticals = exposed.monitor.events(Severity.CRITICAL);
                    if (warnings + criticals > 0)
                    {
                        writer.sample(MetricNames.ANOMALIES_TOTAL, exposed.warningLabels, warnings);
                        writer.sample(MetricNames.ANOMALIES_TOTAL, exposed.criticalLabels, criticals);
                    }
                }
            }
        }
        writer.family(MetricNames.ANOMALY_ACTIVE, MetricFamilyWriter.Type.GAUGE,
            "1 while an anomaly event is open.");
        for (final SeriesWatch watch : series.values())
        {
            for (final WatchedSignal watched : watch.signals)
            {
                for (final Exposed exposed : watched.monitors)
                {
                    writer.sample(MetricNames.ANOMALY_ACTIVE, exposed.labels, exposed.monitor.active() ? 1 : 0);
                }
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
        for (final SeriesWatch watch : series.values())
        {
            for (final WatchedSignal watched : watch.signals)
            {
                for (final Exposed exposed : watched.monitors)
                {
                    visitor.visit(exposed.monitor, watch.labels);
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
        for (final SeriesWatch watch : series.values())
        {
            for (final WatchedSignal watched : watch.signals)
            {
                for (final Exposed exposed : watched.monitors)
                {
                    final AnomalyEvent event = exposed.monitor.openEvent();
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
        for (final SeriesWatch watch : series.values())
        {
            for (final WatchedSignal watched : watch.signals)
            {
                for (final Exposed exposed : watched.monitors)
                {
                    scores.add(new Score(watch.key, watched.signal, exposed.monitor.detectorKind(),
                        exposed.monitor.score(), exposed.monitor.active()));
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
        final ObjectNode root = JSON.createObjectNode();
        root.put("enabled", true);
        root.put("generated_at", Instant.now().toString());
        root.put("series_watched", series.size());
        root.put("series_ignored", seriesIgnored);
        root.put("events_opened", eventsOpened);
        root.put("incidents_opened", incidents.opened());
        final ArrayNode incidentsNode = root.putArray("incidents");
        for (final IncidentGrouper.Incident incident : incidents.active())
        {
            incident.toJson(incidentsNode.addObject());
        }
        for (final IncidentGrouper.Incident incident : incidents.recent(limit))
        {
            incident.toJson(incidentsNode.addObject());
        }
        final ArrayNode active = root.putArray("active");
        for (final AnomalyEvent event : activeEvents())
        {
            event.toJson(active.addObject());
        }
        final ArrayNode recentNode = root.putArray("recent");
        for (final AnomalyEvent event : recentEvents(limit))
        {
            event.toJson(recentNode.addObject());
        }
        if (scores)
        {
            final ArrayNode scoresNode = root.putArray("scores");
            for (final Score score : currentScores())
            {
                final ObjectNode node = scoresNode.addObject();
                node.put("series", score.seriesKey());
                node.put("signal", score.signal().label());
                node.put("detector", score.detector().label());
                if (Double.isFinite(score.score()))
                {
                    node.put("score", score.score());
                }
                else
                {
                    node.putNull("score");
                }
                node.put("active", score.active());
            }
        }
        try
        {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        }
        catch (final JsonProcessingException e)
        {
            throw new IllegalStateException("cannot happen for a tree of plain values", e);
        }
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

    private final class SeriesWatch
    {
        final String key;
        final String service;
        final Map<String, String> labels;
        final WatchedSignal[] signals;
        volatile long lastSeen = Long.MIN_VALUE;

        SeriesWatch(final String key, final Map<String, String> intervalLabels)
        {
            this.key = key;
            final Map<String, String> labels = LabelSets.of(intervalLabels);
            this.labels = labels;
            this.service = labels.get("service");
            final Map<Signal, SignalSettings> signalSettings = settings.forMetric(labels.get("metric"));
            final List<WatchedSignal> watched = new ArrayList<>();
            for (final Signal signal : Signal.values())
            {
                final SignalSettings signalSetting = signalSettings.get(signal);
                if (!signalSetting.detectors().isEmpty())
                {
                    watched.add(new WatchedSignal(key, labels, signal, signalSetting));
                }
            }
            this.signals = watched.toArray(new WatchedSignal[0]);
        }
    }

    /**
     * A signal of a series with its monitors and, for latency and error ratio, the pool of quiet
     * intervals: an interval with fewer than {@code min_calls} calls is not a value on its own but is
     * added to the pool, and the pool becomes one value (at the time of the interval that filled it)
     * once it holds {@code min_calls} calls. The pooled p99 is the largest of the pooled intervals'
     * p99s, which is exact while the pool holds fewer than 100 calls (the p99 of n < 100 values is
     * their maximum, and each pooled interval's p99 is its maximum), so for any {@code min_calls} up
     * to 50. A pool that does not fill within {@link #MAX_POOL_MILLIS} is dropped as no data.
     */
    private final class WatchedSignal
    {
        static final long MAX_POOL_MILLIS = 60_000;

        final Signal signal;
        final long minCount;
        final Exposed[] monitors;

        double value;
        /** Calls behind {@link #value}. */
        long valueCalls;
        long pooledCalls;
        long pooledErrors;
        long pooledMaxP99Nanos;
        long poolStart = Long.MIN_VALUE;

        WatchedSignal(final String key, final Map<String, String> labels, final Signal signal, final SignalSettings settings)
        {
            this.signal = signal;
            this.minCount = settings.minCount();
            this.monitors = new Exposed[settings.detectors().size()];
            for (int i = 0; i < monitors.length; i++)
            {
                final DetectorKind kind = settings.detectors().get(i);
                monitors[i] = new Exposed(
                    new AnomalyMonitor(key, labels, signal, settings, kind, STEP_MILLIS, eventIds::incrementAndGet),
                    labels);
            }
        }

        /**
         * Latency and error ratio: sets {@link #value} (NaN: no data) and returns true when the
         * monitors get a value for this interval; false while a quiet interval waits in the pool.
         */
        boolean valueOf(final ClosedInterval interval, final long time)
        {
            final long count = interval.count();
            if (count >= minCount && count > 0)
            {
                pooledCalls = 0; // a busy second speaks for itself; a half-filled pool before it is stale
                value = signal.extract(interval, minCount);
                valueCalls = count;
                return true;
            }
            if (pooledCalls > 0 && time - poolStart >= MAX_POOL_MILLIS)
            {
                pooledCalls = 0;
                value = Double.NaN;
                return true;
            }
            if (count == 0)
            {
                value = Double.NaN;
                return pooledCalls == 0; // silence is quiet, unless a pool is filling
            }
            if (pooledCalls == 0)
            {
                poolStart = time;
                pooledErrors = 0;
                pooledMaxP99Nanos = 0;
            }
            pooledCalls += count;
            pooledErrors += interval.errorCount();
            pooledMaxP99Nanos = Math.max(pooledMaxP99Nanos, interval.quantileNanos(0.99));
            if (pooledCalls < minCount)
            {
                return false;
            }
            value = signal == Signal.LATENCY_P99 ? pooledMaxP99Nanos / 1e9 : (double)pooledErrors / pooledCalls;
            valueCalls = pooledCalls;
            pooledCalls = 0;
            return true;
        }
    }

    /** A monitor with its label sets, built once. */
    private static final class Exposed
    {
        final AnomalyMonitor monitor;
        final Map<String, String> labels;
        final Map<String, String> warningLabels;
        final Map<String, String> criticalLabels;

        Exposed(final AnomalyMonitor monitor, final Map<String, String> seriesLabels)
        {
            this.monitor = monitor;
            final String signal = monitor.signal().label();
            final String detector = monitor.detectorKind().label();
            this.labels = LabelSets.extend(seriesLabels, "signal", signal, "detector", detector);
            this.warningLabels = LabelSets.extend(seriesLabels, "signal", signal, "detector", detector,
                "severity", Severity.WARNING.label());
            this.criticalLabels = LabelSets.extend(seriesLabels, "signal", signal, "detector", detector,
                "severity", Severity.CRITICAL.label());
        }
    }
}
