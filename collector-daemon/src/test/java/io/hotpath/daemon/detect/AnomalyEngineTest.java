package io.hotpath.daemon.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class AnomalyEngineTest
{
    private static final long T0 = 1_767_225_600_000L;
    private static final String KEY = "demo/transport_send{transport=\"quic\"}";

    private static Map<String, String> labels()
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        labels.put("service", "demo");
        labels.put("metric", "transport_send");
        labels.put("kind", "transport");
        labels.put("transport", "quic");
        return labels;
    }

    /** 100 calls/s at about 20 ms; {@code shifted} seconds at 60 ms. */
    private static List<FakeInterval> latencyShift(final int normalBefore, final int shifted, final int normalAfter)
    {
        final Random random = new Random(7);
        final List<FakeInterval> intervals = new ArrayList<>();
        final int total = normalBefore + shifted + normalAfter;
        for (int i = 0; i < total; i++)
        {
            final boolean slow = i >= normalBefore && i < normalBefore + shifted;
            final long nanos = (long)((slow ? 60e6 : 20e6) * (1 + 0.03 * random.nextGaussian()));
            intervals.add(FakeInterval.uniform(KEY, labels(), T0 + i * 1000L, 100, 0, nanos));
        }
        return intervals;
    }

    @Test
    void aLatencyShiftIsOneEventPerDetectorNotOnePerSecond()
    {
        final List<AnomalyEvent> seen = new ArrayList<>();
        final AnomalyEngine engine = new AnomalyEngine(AnomalySettings.defaults(), seen::add);
        final List<FakeInterval> intervals = latencyShift(120, 60, 120);
        for (int i = 0; i < 125; i++)
        {
            engine.onInterval(intervals.get(i));
        }
        // Within 5 s of the shift both latency detectors opened, each once.
        final List<AnomalyEvent> active = engine.activeEvents();
        assertEquals(List.of(DetectorKind.ADAPTIVE),
            active.stream().filter(e -> e.signal() == Signal.LATENCY_P99).map(AnomalyEvent::detector).sorted().toList());
        for (final AnomalyEvent event : active)
        {
            assertTrue(event.startMillis() >= T0 + 120_000 && event.startMillis() <= T0 + 125_000, event.logLine());
            assertEquals(KEY, event.seriesKey());
        }
        for (int i = 125; i < intervals.size(); i++)
        {
            engine.onInterval(intervals.get(i));
        }
        final long opened = seen.stream().filter(AnomalyEvent::isOpen).count();
        final long closed = seen.stream().filter(e -> !e.isOpen()).count();
        assertEquals(1, opened, "one event for one change: " + seen);
        assertEquals(1, closed);
        assertTrue(engine.activeEvents().isEmpty());
        assertEquals(1, engine.recentEvents(10).size());
        for (final AnomalyEvent event : engine.recentEvents(10))
        {
            assertTrue(event.peakValue() > 0.05, "peak value is the shifted p99 in seconds: " + event.peakValue());
            assertTrue(event.baselineAtPeak() < 0.025, "baseline is the old level: " + event.baselineAtPeak());
            assertTrue(event.endMillis() > event.startMillis());
        }
    }

    @Test
    void exposesScoresCountersAndActiveFlagsAsPrometheusText()
    {
        final AnomalyEngine engine = new AnomalyEngine(AnomalySettings.defaults());
        final List<FakeInterval> intervals = latencyShift(120, 60, 0);
        for (int i = 0; i < 123; i++)
        {
            engine.onInterval(intervals.get(i));
        }
        final String out = AnomalyExposition.text(engine);
        assertTrue(out.contains("# TYPE hotpath_anomaly_score gauge\n"), out);
        assertTrue(out.contains("# TYPE hotpath_anomalies_total counter\n"), out);
        assertTrue(out.contains("# TYPE hotpath_anomaly_active gauge\n"), out);
        final String cell = "service=\"demo\",metric=\"transport_send\",kind=\"transport\",transport=\"quic\","
            + "signal=\"latency_p99\",detector=\"adaptive\"";
        assertTrue(out.contains("hotpath_anomaly_active{" + cell + "} 1\n"), out);
        assertTrue(out.contains("hotpath_anomalies_total{" + cell + ",severity=\"critical\"} 1\n")
            || out.contains("hotpath_anomalies_total{" + cell + ",severity=\"warning\"} 1\n"), out);
        assertTrue(out.contains("hotpath_anomaly_active{service=\"demo\",metric=\"transport_send\",kind=\"transport\","
            + "transport=\"quic\",signal=\"throughput\",detector=\"adaptive\"} 0\n"), out);
        // Counters appear with their first event: throughput had none.
        assertFalse(out.contains("hotpath_anomalies_total{service=\"demo\",metric=\"transport_send\",kind=\"transport\","
            + "transport=\"quic\",signal=\"throughput\""), out);
        final String scoreLine = out.lines().filter(l -> l.startsWith("hotpath_anomaly_score{" + cell + "}"))
            .findFirst().orElseThrow();
        // The level is relearnt once the event opened: the score is back to a finite, small value.
        assertTrue(Double.parseDouble(scoreLine.substring(scoreLine.lastIndexOf(' ') + 1)) >= 0, scoreLine);
    }

    @Test
    void anomaliesJsonListsActiveAndRecentEvents() throws Exception
    {
        final AnomalyEngine engine = new AnomalyEngine(AnomalySettings.defaults());
        final List<FakeInterval> intervals = latencyShift(120, 30, 100);
        for (final FakeInterval interval : intervals)
        {
            engine.onInterval(interval);
        }
        final JsonNode json = new ObjectMapper().readTree(engine.anomaliesJson(50));
        assertEquals(1, json.get("series_watched").asInt());
        assertEquals(0, json.get("active").size());
        final JsonNode recent = json.get("recent");
        assertEquals(1, recent.size(), "one event for one change");
        final JsonNode newest = recent.get(0);
        assertEquals(KEY, newest.get("series").asText());
        assertEquals("latency_p99", newest.get("signal").asText());
        assertTrue(newest.get("severity").asText().matches("warning|critical"));
        assertTrue(newest.get("end_epoch_ms").asLong() > newest.get("start_epoch_ms").asLong());
        assertTrue(newest.get("peak_score").asDouble() >= 3.0);
        assertEquals("quic", newest.get("labels").get("transport").asText());
        assertEquals("up", newest.get("direction").asText());
        assertTrue(newest.get("alert_epoch_ms").asLong() >= newest.get("start_epoch_ms").asLong());
    }

    @Test
    void seriesBeyondTheLimitAreIgnoredAndCounted()
    {
        final AnomalySettings defaults = AnomalySettings.defaults();
        final Map<Signal, SignalSettings> signals = new EnumMap<>(Signal.class);
        for (final Signal signal : Signal.values())
        {
            signals.put(signal, defaults.forMetric(null).get(signal));
        }
        final AnomalyEngine engine =
            new AnomalyEngine(new AnomalySettings(2, 16, Duration.ofMinutes(1), signals, Map.of()));
        for (int s = 0; s < 3; s++)
        {
            engine.onInterval(FakeInterval.uniform("series-" + s, labels(), T0, 10, 0, 1_000_000));
        }
        assertEquals(2, engine.seriesWatched());
        assertEquals(1, engine.seriesIgnored());
    }

    @Test
    void idleSeriesAreForgottenAndTheirOpenEventsClosed()
    {
        final AnomalySettings defaults = AnomalySettings.defaults();
        final Map<Signal, SignalSettings> signals = new EnumMap<>(Signal.class);
        for (final Signal signal : Signal.values())
        {
            signals.put(signal, defaults.forMetric(null).get(signal));
        }
        final List<AnomalyEvent> seen = new ArrayList<>();
        final AnomalyEngine engine =
            new AnomalyEngine(new AnomalySettings(100, 16, Duration.ofSeconds(30), signals, Map.of()), seen::add);
        final List<FakeInterval> intervals = latencyShift(120, 60, 0);
        for (int i = 0; i < 123; i++)
        {
            engine.onInterval(intervals.get(i));
        }
        assertFalse(engine.activeEvents().isEmpty());
        // Only another series reports from now on; after the idle period and a sweep, the first is gone.
        for (int i = 123; i < 300; i++)
        {
            engine.onInterval(FakeInterval.uniform("other", labels(), T0 + i * 1000L, 10, 0, 1_000_000));
        }
        assertEquals(1, engine.seriesWatched());
        assertTrue(engine.activeEvents().isEmpty());
        assertTrue(seen.stream().anyMatch(e -> !e.isOpen() && e.seriesKey().equals(KEY)), "open events closed on eviction");
    }

    @Test
    void errorRatioNeedsEnoughCallsToSpeak()
    {
        final AnomalyEngine engine = new AnomalyEngine(AnomalySettings.defaults());
        // 60 s of 5 calls/s with one error each second: pooled into values of 20 calls (min_calls), 15 values: still warming up.
        for (int i = 0; i < 60; i++)
        {
            engine.onInterval(FakeInterval.uniform(KEY, labels(), T0 + i * 1000L, 5, i < 40 ? 0 : 1, 1_000_000));
        }
        final AnomalyEngine.Score errorScore = engine.currentScores().stream()
            .filter(s -> s.signal() == Signal.ERROR_RATIO).findFirst().orElseThrow();
        assertTrue(Double.isNaN(errorScore.score()));
        assertNotNull(engine.anomaliesJson(1));
    }

    @Test
    void aThrowingSinkDoesNotEscapeToTheAggregator()
    {
        final AnomalyEngine engine = new AnomalyEngine(AnomalySettings.defaults(), event ->
        {
            throw new IllegalStateException("sink bug");
        });
        for (final FakeInterval interval : latencyShift(120, 10, 0))
        {
            engine.onInterval(interval);
        }
        assertTrue(engine.listenerFailures() > 0);
    }
}
