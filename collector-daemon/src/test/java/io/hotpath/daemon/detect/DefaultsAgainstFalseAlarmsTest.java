package io.hotpath.daemon.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import java.time.Duration;

/**
 * The default rules that keep an operator's anomaly list to real anomalies: {@code min_calls}
 * (quiet seconds are pooled, not read as percentiles), the latency spread floor, and no throughput
 * verdict on a service whose JVMs exited. Each test also runs the same series without the rule and
 * shows the false alarm it prevents, or runs a real anomaly and shows the rule does not hide it.
 */
class DefaultsAgainstFalseAlarmsTest
{
    private static final long T0 = 1_767_225_600_000L;
    private static final String KEY = "demo/p2p_connect{app=\"demo\"}";

    private static Map<String, String> labels()
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        labels.put("service", "demo");
        labels.put("metric", "p2p_connect");
        labels.put("kind", "p2p");
        labels.put("app", "demo");
        return labels;
    }

    private static AnomalySettings latencyWith(final SignalSettings latency)
    {
        final Map<Signal, SignalSettings> signals = new EnumMap<>(Signal.class);
        for (final Signal signal : Signal.values())
        {
            signals.put(signal, SignalSettings.defaults(signal));
        }
        signals.put(Signal.LATENCY_P99, latency);
        return new AnomalySettings(100, 64, Duration.ofMinutes(10), signals, Map.of());
    }

    private static SignalSettings withMinCalls(final SignalSettings s, final long minCalls)
    {
        return new SignalSettings(s.detectors(), s.direction(), minCalls, s.minDeviation(), s.relativeMinDeviation(),
            s.detectorSettings());
    }

    private static SignalSettings withFloor(final SignalSettings s, final double absolute, final double relative)
    {
        return new SignalSettings(s.detectors(), s.direction(), s.minCount(), absolute, relative, s.detectorSettings());
    }

    private static long latencyEvents(final AnomalySettings settings, final List<FakeInterval> intervals)
    {
        final List<AnomalyEvent> seen = new ArrayList<>();
        final AnomalyEngine engine = new AnomalyEngine(settings, seen::add);
        intervals.forEach(engine::onInterval);
        return seen.stream().filter(e -> e.isOpen() && e.signal() == Signal.LATENCY_P99).count();
    }

    /**
     * A p2p-like series: 3 calls a second at about 2 ms; in seconds 100 to 102 two of the three
     * calls take 8 ms. Read second by second, that is three "p99s" of 8 ms in a row, 6 floors above
     * the median: an event. Pooled into values of at least 20 calls (the slow calls fall in one or
     * two pools), it is one or two high values among normal ones: no event.
     */
    @Test
    void quietSecondsArePooledUpToMinCallsRatherThanReadAsPercentiles()
    {
        final Random random = new Random(11);
        final List<FakeInterval> intervals = new ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            final long fast = (long)(2e6 * (1 + 0.05 * random.nextGaussian()));
            final boolean blip = i >= 100 && i <= 102;
            // two slow calls of three: a value of its own (min_calls 1) is slow whatever its quantile
            intervals.add(new FakeInterval(KEY, labels(), T0 + i * 1000L, 3, 0, fast, blip ? 2 : 0, 8_000_000));
        }
        final SignalSettings defaults = SignalSettings.defaults(Signal.LATENCY_P99);
        assertEquals(20, defaults.minCount(), "documented default");
        assertEquals(0, latencyEvents(AnomalySettings.defaults(), intervals), "pooled: one slow value, no event");
        assertTrue(latencyEvents(latencyWith(withMinCalls(defaults, 1)), intervals) > 0,
            "without min_calls the same three calls are an event");
    }

    /** Pooling still sees a real shift of a quiet series: 3 calls/s, from 2 ms to 30 ms for 60 s. */
    @Test
    void aPooledQuietSeriesStillShowsARealShift()
    {
        final Random random = new Random(5);
        final List<FakeInterval> intervals = new ArrayList<>();
        for (int i = 0; i < 400; i++)
        {
            final double base = i >= 300 && i < 360 ? 30e6 : 2e6;
            intervals.add(FakeInterval.uniform(KEY, labels(), T0 + i * 1000L, 3, 0, (long)(base * (1 + 0.05 * random.nextGaussian()))));
        }
        final List<AnomalyEvent> seen = new ArrayList<>();
        final AnomalyEngine engine = new AnomalyEngine(AnomalySettings.defaults(), seen::add);
        intervals.forEach(engine::onInterval);
        final List<AnomalyEvent> opened = seen.stream().filter(e -> e.isOpen() && e.signal() == Signal.LATENCY_P99).toList();
        assertEquals(1, opened.size(), "one event for one change: " + opened);
        for (final AnomalyEvent event : opened)
        {
            assertTrue(event.startMillis() >= T0 + 300_000 && event.startMillis() < T0 + 330_000, event.logLine());
            assertTrue(event.peakValue() > 0.025, "pooled p99 is the shifted latency: " + event.peakValue());
        }
    }

    /** 100 calls/s at 2 ms, as steady as a clock (MAD ≈ 10 µs), then 10 s at 2 ms + {@code shiftNanos}. */
    private static List<FakeInterval> steady(final long shiftNanos)
    {
        final Random random = new Random(3);
        final List<FakeInterval> intervals = new ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            final long p99 = (long)(2e6 * (1 + 0.005 * random.nextGaussian())) + (i >= 120 && i < 130 ? shiftNanos : 0);
            intervals.add(FakeInterval.uniform(KEY, labels(), T0 + i * 1000L, 100, 0, p99));
        }
        return intervals;
    }

    @Test
    void aSteadyLatencyMovingByLessThanAMillisecondIsNotAnAnomaly()
    {
        final SignalSettings defaults = SignalSettings.defaults(Signal.LATENCY_P99);
        assertEquals(0.001, defaults.minDeviation(), "documented default: 1 ms");
        assertEquals(0, latencyEvents(AnomalySettings.defaults(), steady(600_000)), "+0.6 ms on 2 ms: scheduling noise");
        assertTrue(latencyEvents(latencyWith(withFloor(defaults, 0.0001, 0.05)), steady(600_000)) > 0,
            "with the old 0.1 ms floor, +0.6 ms on a steady series is an event");
        assertEquals(1, latencyEvents(AnomalySettings.defaults(), steady(10_000_000)),
            "+10 ms is still an event per latency detector");
    }

    /**
     * 2 ms p99 at {@code callsPerSecond}, then from second 150 {@code seconds} seconds in which 3
     * calls take 60 ms: at 20 calls/s the p99 is the slowest call, at 200 calls/s it takes three.
     */
    private static long stallEvents(final long callsPerSecond, final int seconds)
    {
        final Random random = new Random(17);
        final List<FakeInterval> intervals = new ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            final long fast = (long)(2e6 * (1 + 0.02 * random.nextGaussian()));
            final boolean slow = i >= 150 && i < 150 + seconds;
            intervals.add(new FakeInterval(KEY, labels(), T0 + i * 1000L, callsPerSecond, 0, fast, slow ? 3 : 0, 60_000_000));
        }
        return latencyEvents(AnomalySettings.defaults(), intervals);
    }

    /**
     * A stalled JVM or host makes one or two seconds of any series extreme: 30 times the p99, far
     * above critical. In the daemon no interval opens an event on its own, however critical (it did
     * at 200 calls/s before): three in a row do, so a real change lasting seconds is still one event.
     */
    @Test
    void oneOrTwoStalledSecondsAreNoEventHoweverCritical()
    {
        assertEquals(3, SignalSettings.CONFIRM_INTERVALS, "documented default");
        assertEquals(0, stallEvents(20, 1), "20 calls: one slow call is the p99, and one second is not an event");
        assertEquals(0, stallEvents(200, 1), "200 calls, 3 of them stalled, one second: critical, but no event");
        assertEquals(0, stallEvents(200, 2), "two stalled seconds: no event");
        assertEquals(1, stallEvents(200, 3), "three seconds in a row: one event");
        assertEquals(1, stallEvents(20, 10), "ten seconds: one event");
    }

    /** 20 calls/s with 2 % errors (binomial) for 900 s; from second 600, {@code shiftedRatio} for 60 s. */
    private static List<FakeInterval> errors(final double shiftedRatio)
    {
        final Random random = new Random(23);
        final List<FakeInterval> intervals = new ArrayList<>();
        for (int i = 0; i < 900; i++)
        {
            final double ratio = i >= 600 && i < 660 ? shiftedRatio : 0.02;
            long failed = 0;
            for (int call = 0; call < 20; call++)
            {
                failed += random.nextDouble() < ratio ? 1 : 0;
            }
            intervals.add(FakeInterval.uniform(KEY, labels(), T0 + i * 1000L, 20, failed, 2_000_000));
        }
        return intervals;
    }

    private static long errorRatioEvents(final List<FakeInterval> intervals)
    {
        final List<AnomalyEvent> seen = new ArrayList<>();
        final AnomalyEngine engine = new AnomalyEngine(AnomalySettings.defaults(), seen::add);
        intervals.forEach(engine::onInterval);
        return seen.stream().filter(e -> e.isOpen() && e.signal() == Signal.ERROR_RATIO).count();
    }

    @Test
    void oneErrorMoreInAFewCallsIsNotAnErrorRatioAnomaly()
    {
        final List<FakeInterval> steady = errors(0.02);
        assertEquals(0, errorRatioEvents(steady), "2 % of 20 calls, by chance 0, 1 or 2 errors a second");
        // The same values without the binomial floor (the detectors' own spread is 0 on a median of 0).
        final SignalSettings settings = SignalSettings.defaults(Signal.ERROR_RATIO);
        long withoutFloor = 0;
        for (final DetectorKind kind : List.of(DetectorKind.ZSCORE, DetectorKind.LEVEL_SHIFT))
        {
            final AnomalyMonitor monitor = new AnomalyMonitor(KEY, labels(), Signal.ERROR_RATIO, settings, kind, 1000, () -> 1);
            for (final FakeInterval interval : steady)
            {
                final AnomalyEvent event = monitor.observe(interval.intervalStartEpochMillis(),
                    (double)interval.errorCount() / interval.count(), true, 0);
                withoutFloor += event != null && event.isOpen() ? 1 : 0;
            }
        }
        assertTrue(withoutFloor > 0, "without the floor, chance is an anomaly");
        assertTrue(errorRatioEvents(errors(0.4)) > 0, "40 % errors for a minute still is");
    }

    /** 200 calls/s for 90 s, then nothing: the JVM exited at second 90, or its traffic stopped. */
    private static long throughputEvents(final boolean jvmExits)
    {
        final AtomicBoolean gone = new AtomicBoolean();
        final List<AnomalyEvent> seen = new ArrayList<>();
        final AnomalyEngine engine = new AnomalyEngine(AnomalySettings.defaults(), seen::add,
            service -> service.equals("demo") && gone.get());
        final Random random = new Random(9);
        for (int i = 0; i < 150; i++)
        {
            if (jvmExits && i == 90)
            {
                gone.set(true);
            }
            final long calls = i < 90 ? 200 + (long)(10 * random.nextGaussian()) : 0;
            engine.onInterval(FakeInterval.uniform(KEY, labels(), T0 + i * 1000L, calls, 0, 2_000_000));
        }
        return seen.stream().filter(e -> e.isOpen() && e.signal() == Signal.THROUGHPUT).count();
    }

    @Test
    void silenceOfAServiceWhoseJvmsExitedIsNotAThroughputAnomaly()
    {
        assertEquals(0, throughputEvents(true), "the JVM exited: a shutdown, not an outage");
        assertTrue(throughputEvents(false) > 0, "traffic stopped while the JVM lives: a real outage");
    }

    /**
     * The demo's shape: a young series (40 s of history, heavy-tailed 1-second p99s of a busy host)
     * then an 8-second spike to 50 ms: one latency event, and nothing on the other signals.
     */
    @Test
    void aSpikeSoonAfterStartIsOneLatencyEvent()
    {
        final Random random = new Random(41);
        final List<AnomalyEvent> seen = new ArrayList<>();
        final AnomalyEngine engine = new AnomalyEngine(AnomalySettings.defaults(), seen::add);
        for (int s = 0; s < 120; s++)
        {
            final boolean spike = s >= 40 && s < 48;
            final double blip = random.nextDouble() < 0.05 ? 3 + 4 * random.nextDouble() : 1;
            final long p99 = (long)((spike ? 50e6 : 3e6 * blip) * (1 + 0.2 * random.nextGaussian() * random.nextGaussian()));
            final long calls = 200 + (long)(14 * random.nextGaussian());
            engine.onInterval(new FakeInterval(KEY, labels(), T0 + s * 1000L, calls, random.nextInt(50) == 0 ? 1 : 0,
                1_000_000, 3, Math.max(1_000_000, p99)));
        }
        final List<AnomalyEvent> opened = seen.stream().filter(AnomalyEvent::isOpen).toList();
        assertEquals(1, opened.size(), opened.toString());
        assertEquals(Signal.LATENCY_P99, opened.get(0).signal());
        assertTrue(opened.get(0).alertMillis() >= T0 + 40_000 && opened.get(0).alertMillis() <= T0 + 43_000, opened.toString());
    }
}
