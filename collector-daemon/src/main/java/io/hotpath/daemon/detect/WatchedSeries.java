package io.hotpath.daemon.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import io.hotpath.daemon.aggregate.ClosedInterval;
import io.hotpath.daemon.rules.LabelSets;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One series the {@link AnomalyEngine} watches: its labels and, per watched signal, the monitors and
 * the pool of quiet intervals. Written by the aggregation thread only; {@link #lastSeen} is read by
 * others.
 */
final class WatchedSeries
{
    final String key;
    final String service;
    final Map<String, String> labels;
    final WatchedSignal[] signals;
    volatile long lastSeen = Long.MIN_VALUE;
    /** The stalls of the series' service (null without a service label), and the bit of its metric there. */
    private final StallWatch stalls;
    private final long metricBit;

    /**
     * Feeds the interval starting at {@code time} to every monitor (latency and error ratio through
     * their pools); events opened or closed go to {@code publish}. {@code serviceGone}: none of the
     * service's JVMs lives, so its throughput gets no verdict.
     */
    void observe(final ClosedInterval interval, final long time, final boolean serviceGone,
        final Consumer<AnomalyEvent> publish)
    {
        final long lastStall;
        final long lastMeasured;
        if (stalls != null)
        {
            stalls.advance(time);
            // Calls written after the interval ended (the JVM stalled at the boundary) are late ones, though the
            // close grace still placed them in their own interval.
            final long writtenLate = interval.writtenLateCount();
            stalls.noteCalls(interval.count() - writtenLate);
            stalls.noteLate(writtenLate);
            lastStall = stalls.lastStallMillis();
            lastMeasured = stalls.lastMeasuredMillis();
        }
        else
        {
            lastStall = Long.MIN_VALUE;
            lastMeasured = Long.MIN_VALUE;
        }
        double expectedCalls;
        for (final WatchedSeries.WatchedSignal watched : signals)
        {
            final double value;
            if (watched.signal == Signal.THROUGHPUT)
            {
                // A JVM that exited takes its calls with it: no verdict rather than a drop to zero.
                value = serviceGone ? Double.NaN : interval.count();
            }
            else if (!watched.valueOf(interval, time))
            {
                continue; // pooling a quiet interval: no value yet, the monitors keep their state
            }
            else
            {
                value = watched.value;
            }
            // A pooled value spans several seconds: a stall in any of them is its stall.
            final long stallSeen = watched.stallSeen(lastStall, time);
            final long measuredSeen = watched.stallSeen(lastMeasured, time);
            if (stalls != null && watched.signal == Signal.THROUGHPUT && !Double.isNaN(value) && watched.monitors.length > 0)
            {
                // The level the calls are compared with, before this interval teaches it: whether the service's calls
                // dipped together (StallWatch). Noted only once the monitor gave a verdict (warm).
                expectedCalls = watched.monitors[0].detector().baseline();
            }
            else
            {
                expectedCalls = Double.NaN;
            }
            for (final AnomalyMonitor monitor : watched.monitors)
            {
                // One interval never opens an event here, however critical: a stalled JVM or host makes any
                // one second extreme (its p99 is the calls that waited out the stall). min_duration decides.
                final AnomalyEvent event = monitor.observe(time, value, false,
                    watched.signal == Signal.ERROR_RATIO ? watched.valueCalls : 0, stallSeen, measuredSeen);
                if (stalls != null && watched.signal != Signal.ERROR_RATIO)
                {
                    stalls.note(metricBit, monitor.score());
                }
                if (monitor == watched.monitors[0] && !Double.isNaN(expectedCalls) && !Double.isNaN(monitor.score()))
                {
                    stalls.noteThroughput(metricBit, interval.count(), expectedCalls);
                }
                if (event != null)
                {
                    publish.accept(event);
                }
            }
        }
    }

    /** Calls of this series read after their interval closed (see {@link AnomalyEngine#onLateInterval}). */
    void noteLate(final long calls)
    {
        if (stalls != null)
        {
            stalls.noteLate(calls);
        }
    }

    WatchedSeries(final String key, final Map<String, String> intervalLabels, final AnomalySettings settings,
        final LongSupplier eventIds, final Function<String, StallWatch> stallWatches)
    {
        this.key = key;
        final Map<String, String> labels = LabelSets.of(intervalLabels);
        this.labels = labels;
        this.service = labels.get("service");
        this.stalls = service == null ? null : stallWatches.apply(service);
        this.metricBit = stalls == null ? 0 : stalls.metricBit(labels.get("metric"));
        final Map<Signal, SignalSettings> signalSettings = settings.forMetric(labels.get("metric"));
        final List<WatchedSignal> watched = new ArrayList<>();
        for (final Signal signal : Signal.values())
        {
            final SignalSettings signalSetting = signalSettings.get(signal);
            if (!signalSetting.detectors().isEmpty())
            {
                watched.add(new WatchedSignal(key, labels, signal, signalSetting, eventIds));
            }
        }
        this.signals = watched.toArray(new WatchedSignal[0]);
    }

    /**
     * A signal of a series with its monitors and, for latency and error ratio, the pool of quiet
     * intervals: an interval with fewer than {@code min_calls} calls is not a value on its own but is
     * added to the pool, and the pool becomes one value (at the time of the interval that filled it)
     * once it holds {@code min_calls} calls. The pooled latency is, like one interval's, never the one
     * slowest call ({@link Signal#quantileOf}): the second slowest of the pool while it holds fewer
     * than 100 calls (exact: the two slowest calls of the pool are among the two slowest of each pooled
     * interval), else the largest of the pooled intervals' p99s. A pool that does not fill within
     * {@link #MAX_POOL_MILLIS} is dropped as no data.
     */
    static final class WatchedSignal
    {
        static final long MAX_POOL_MILLIS = 60_000;

        final Signal signal;
        final long minCount;
        final AnomalyMonitor[] monitors;

        double value;
        /** Calls behind {@link #value}. */
        long valueCalls;
        /** Start of the first interval behind {@link #value} (earlier than its time for a pooled value). */
        long valueSince;
        long pooledCalls;
        long pooledErrors;
        long pooledMaxP99Nanos;
        /** The slowest and second slowest call of the pool (see {@link Signal#quantileOf}). */
        long pooledSlowest;
        long pooledSecond;
        long poolStart = Long.MIN_VALUE;

        WatchedSignal(final String key, final Map<String, String> labels, final Signal signal, final SignalSettings settings,
            final LongSupplier eventIds)
        {
            this.signal = signal;
            this.minCount = settings.minCount();
            this.monitors = new AnomalyMonitor[settings.detectors().size()];
            for (int i = 0; i < monitors.length; i++)
            {
                monitors[i] = new AnomalyMonitor(key, labels, signal, settings, settings.detectors().get(i),
                    AnomalyEngine.STEP_MILLIS, eventIds);
            }
        }

        /** A stall at {@code stall} as this signal's value at {@code time} saw it: a pooled value, anywhere in its seconds. */
        long stallSeen(final long stall, final long time)
        {
            return stall != Long.MIN_VALUE && signal != Signal.THROUGHPUT && stall >= valueSince
                ? Math.max(stall, time - AnomalyEngine.STEP_MILLIS) : stall;
        }

        /** Keeps the two slowest calls of the pool. */
        private void offerSlow(final long nanos)
        {
            if (nanos > pooledSlowest)
            {
                pooledSecond = pooledSlowest;
                pooledSlowest = nanos;
            }
            else if (nanos > pooledSecond)
            {
                pooledSecond = nanos;
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
                valueSince = time;
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
                pooledSlowest = 0;
                pooledSecond = 0;
            }
            pooledCalls += count;
            pooledErrors += interval.errorCount();
            if (signal == Signal.LATENCY_P99)
            {
                pooledMaxP99Nanos = Math.max(pooledMaxP99Nanos, interval.quantileNanos(0.99));
                offerSlow(interval.quantileNanos(1.0));
                if (count >= 2)
                {
                    offerSlow(interval.quantileNanos(Signal.quantileOf(count)));
                }
            }
            if (pooledCalls < minCount)
            {
                return false;
            }
            // Of fewer than 100 calls, the second slowest: one paused call is no slowdown (Signal.LATENCY_P99).
            final long latencyNanos = pooledCalls >= Signal.P99_CALLS ? pooledMaxP99Nanos
                : pooledCalls >= 2 ? pooledSecond : pooledSlowest;
            value = signal == Signal.LATENCY_P99 ? latencyNanos / 1e9 : (double)pooledErrors / pooledCalls;
            valueCalls = pooledCalls;
            valueSince = poolStart;
            pooledCalls = 0;
            return true;
        }
    }
}
