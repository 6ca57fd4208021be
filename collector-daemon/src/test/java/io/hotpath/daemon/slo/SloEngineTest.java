package io.hotpath.daemon.slo;

import io.hotpath.wire.config.Durations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import io.hotpath.daemon.detect.FakeInterval;
import io.hotpath.daemon.expose.SloMetricFamilies;
import io.hotpath.daemon.expose.TextMetricWriter;

/** SLO math against hand computations, fed through the engine as the aggregator would. */
class SloEngineTest
{
    /** 2026-01-01T00:00:00Z, on a whole hour. */
    static final long T0 = 1_767_225_600_000L;

    static Map<String, String> labels(final String metric)
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        labels.put("service", "demo");
        labels.put("metric", metric);
        labels.put("kind", "p2p");
        return labels;
    }

    /** Feeds {@code seconds} intervals from {@code fromSecond} of one series: {@code calls}/s, {@code errors}/s. */
    static void feedSuccess(final SloEngine engine, final String metric, final long fromSecond, final long seconds,
        final long calls, final long errors)
    {
        for (long s = fromSecond; s < fromSecond + seconds; s++)
        {
            engine.onInterval(FakeInterval.uniform("demo/" + metric, labels(metric), T0 + s * 1000, calls, errors, 1_000_000));
        }
    }

    static SloEngine engine(final String yaml) throws Exception
    {
        return new SloEngine(SloFile.parse(yaml, "test.yaml"));
    }

    /** The SLO families as /metrics writes them in Prometheus text. */
    static String exposition(final SloEngine engine)
    {
        final TextMetricWriter writer = new TextMetricWriter(false);
        new SloMetricFamilies(engine).writeTo(writer, null);
        return new String(writer.finish(), StandardCharsets.UTF_8);
    }

    private static final String P2P = """
        slos:
          - name: p2p
            sli: {success: {metric: p2p_propagate}}
            target: 0.999
            window: 30d
            tier: critical
            labels: {team: p2p}
        """;

    @Test
    void oneHourAtOnePercentErrorsAgainstA999Target() throws Exception
    {
        final SloEngine engine = engine(P2P);
        feedSuccess(engine, "p2p_propagate", 0, 3600, 100, 1);
        // Another metric's series is not counted.
        feedSuccess(engine, "p2p_connect", 0, 10, 100, 100);
        engine.rotationComplete();
        final SloStatus status = engine.statuses().get(0);

        // Every window holds only this hour: error ratio 3600 / 360000 = 0.01, burn 0.01 / 0.001 = 10.
        assertEquals(List.of("5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"),
            status.windows().stream().map(w -> Durations.format(w.window())).toList());
        final SloStatus.WindowStatus fiveMinutes = status.window(Duration.ofMinutes(5));
        assertEquals(30_000, fiveMinutes.total(), 0.0);
        assertEquals(29_700, fiveMinutes.good(), 0.0);
        assertEquals(0.99, fiveMinutes.sliRatio(), 1e-12);
        assertEquals(10.0, fiveMinutes.burnRate(), 1e-9);
        assertEquals(360_000, status.window(Duration.ofHours(1)).total(), 0.0);
        assertEquals(360_000, status.window(Duration.ofDays(30)).total(), 0.0);
        // Budget over 30 days: 10 budgets' worth spent in this hour.
        assertEquals(10.0, status.budgetConsumed(), 1e-9);
        assertEquals(-9.0, status.budgetRemaining(), 1e-9);
        assertEquals(356_400, status.goodEvents());
        assertEquals(3_600, status.badEvents());
        // Burn 10: below the 14.4 page, above 6 (page), 3 and 1 (tickets).
        assertEquals(List.of(false, true, true, true), status.alerts().stream().map(SloStatus.AlertStatus::active).toList());
        assertEquals(1, status.seriesMatched());
    }

    @Test
    void theShortWindowEndsThePageSoonAfterTheBurningStops() throws Exception
    {
        final SloEngine engine = engine("""
            burn_rate_alerts:
              - {severity: page, long_window: 1h, short_window: 5m, factor: 5}
            slos:
              - name: p2p
                sli: {success: {metric: p2p_propagate}}
                target: 0.999
                window: 30d
            """);
        feedSuccess(engine, "p2p_propagate", 0, 3600, 100, 1);
        engine.rotationComplete();
        assertTrue(engine.statuses().get(0).alerts().get(0).active(), "burn 10 > 5 over 1h and 5m");

        feedSuccess(engine, "p2p_propagate", 3600, 300, 100, 0);
        engine.rotationComplete();
        final SloStatus status = engine.statuses().get(0);
        // 1h = minutes 5..64: 55 minutes at 1 % and 5 clean -> 0.01 * 55 / 60 / 0.001 = 9.1667; 5m clean -> 0.
        assertEquals(0.01 * 55 / 60 / 0.001, status.alerts().get(0).longBurnRate(), 1e-9);
        assertEquals(0.0, status.alerts().get(0).shortBurnRate(), 0.0);
        assertFalse(status.alerts().get(0).active());
    }

    @Test
    void latencyPerCallCountsCallsUnderTheThreshold() throws Exception
    {
        final SloEngine engine = engine("""
            slos:
              - name: send
                sli: {latency: {metric: transport_send, threshold: 100ms, labels: {service: demo}}}
                target: 0.99
                window: 7d
            """);
        for (long s = 0; s < 600; s++)
        {
            // 1000 calls: 980 at 20 ms, 20 at 200 ms.
            engine.onInterval(new FakeInterval("demo/transport_send", labels("transport_send"), T0 + s * 1000, 1000, 0,
                20_000_000, 20, 200_000_000));
            // Same metric, other service: not selected.
            final Map<String, String> other = labels("transport_send");
            other.put("service", "other");
            engine.onInterval(new FakeInterval("other/transport_send", other, T0 + s * 1000, 1000, 0,
                20_000_000, 1000, 200_000_000));
        }
        engine.rotationComplete();
        final SloStatus status = engine.statuses().get(0);
        final SloStatus.WindowStatus week = status.window(Duration.ofDays(7));
        assertEquals(600_000, week.total(), 0.0);
        assertEquals(0.98, week.sliRatio(), 1e-12);
        assertEquals(2.0, week.burnRate(), 1e-9);
        assertEquals(2.0, status.budgetConsumed(), 1e-9);
    }

    @Test
    void timeSlicedLatencyJudgesEachMinute() throws Exception
    {
        final SloEngine engine = engine("""
            slos:
              - name: send-p95
                sli: {latency: {metric: transport_send, threshold: 100ms, percentile: 0.95}}
                target: 0.99
                window: 30d
                burn_rate_alerts:
                  - {severity: page, long_window: 10m, short_window: 5m, factor: 14.4}
            """);
        for (long minute = 0; minute < 10; minute++)
        {
            final boolean bad = minute == 2 || minute == 5 || minute == 7;
            for (long s = 0; s < 60; s++)
            {
                // Bad minutes: 10 % slow; good minutes: exactly 5 % slow (the percentile is met: >= 95 % fast).
                final long calls = minute == 8 ? 0 : 100;
                final long slow = calls == 0 ? 0 : bad ? 10 : 5;
                engine.onInterval(new FakeInterval("demo/transport_send", labels("transport_send"),
                    T0 + (minute * 60 + s) * 1000, calls, 0, 20_000_000, slow, 300_000_000));
            }
        }
        // The first interval of minute 10 closes minute 9.
        engine.onInterval(FakeInterval.uniform("demo/transport_send", labels("transport_send"), T0 + 600_000, 1, 0, 1));
        engine.rotationComplete();
        final SloStatus status = engine.statuses().get(0);
        // Minutes 0..9 judged: 3 bad (2, 5, 7); minute 8 had no calls: good.
        final SloStatus.WindowStatus tenMinutes = status.window(Duration.ofMinutes(10));
        assertEquals(10, tenMinutes.total(), 0.0);
        assertEquals(7, tenMinutes.good(), 0.0);
        assertEquals(30.0, tenMinutes.burnRate(), 1e-9);
        // Last 5 closed minutes 5..9: 5 and 7 bad.
        assertEquals(0.4, status.window(Duration.ofMinutes(5)).errorRatio(), 1e-12);
        assertTrue(status.alerts().get(0).active());
        assertEquals(7, status.goodEvents());
        assertEquals(3, status.badEvents());
        assertEquals(30.0, status.budgetConsumed(), 1e-9);
    }

    @Test
    void exposesTheSloFamiliesWithSloLabels() throws Exception
    {
        final SloEngine engine = engine(P2P);
        feedSuccess(engine, "p2p_propagate", 0, 3600, 100, 1);
        engine.rotationComplete();
        final String out = exposition(engine);
        final String base = "slo=\"p2p\",tier=\"critical\",team=\"p2p\"";
        assertTrue(out.contains("# TYPE hotpath_slo_target_ratio gauge\nhotpath_slo_target_ratio{" + base + "} 0.999\n"), out);
        assertTrue(out.contains("hotpath_slo_sli_ratio{" + base + ",window=\"1h\"} 0.99\n"), out);
        assertEquals(10.0, value(out, "hotpath_slo_burn_rate{" + base + ",window=\"5m\"}"), 1e-9);
        assertTrue(out.contains("hotpath_slo_events_total{" + base + ",outcome=\"bad\"} 3600\n"), out);
        assertTrue(out.contains("# TYPE hotpath_slo_events_total counter\n"), out);
        assertTrue(out.contains("hotpath_slo_alert_active{" + base
            + ",alert=\"page\",long_window=\"6h\",short_window=\"30m\"} 1\n"), out);
        assertTrue(out.contains("hotpath_slo_alert_active{" + base
            + ",alert=\"page\",long_window=\"1h\",short_window=\"5m\"} 0\n"), out);
        assertEquals(-9.0, value(out, "hotpath_slo_error_budget_remaining_ratio{" + base + "}"), 1e-9);
    }

    /** The value of the sample line starting with {@code series} (name and labels). */
    static double value(final String exposition, final String series)
    {
        final String line = exposition.lines().filter(l -> l.startsWith(series + ' ')).findFirst()
            .orElseThrow(() -> new AssertionError("no sample " + series + " in\n" + exposition));
        return Double.parseDouble(line.substring(series.length() + 1));
    }

    @Test
    void slosJsonCarriesBudgetWindowsAndAlerts() throws Exception
    {
        final SloEngine engine = engine(P2P);
        feedSuccess(engine, "p2p_propagate", 0, 600, 100, 0);
        engine.rotationComplete();
        final JsonNode slo = new ObjectMapper().readTree(engine.slosJson()).get("slos").get(0);
        assertEquals("p2p", slo.get("name").asText());
        assertEquals("success", slo.get("sli").get("type").asText());
        assertEquals(1.0, slo.get("error_budget").get("remaining_ratio").asDouble(), 0.0);
        assertEquals(60_000, slo.get("events").get("good").asLong());
        assertEquals("30d", slo.get("windows").get(7).get("window").asText());
        assertEquals(1.0, slo.get("windows").get(0).get("sli_ratio").asDouble(), 0.0);
        assertEquals(4, slo.get("alerts").size());
        assertFalse(slo.get("alerts").get(0).get("active").asBoolean());
    }

    @Test
    void withoutEventsRatiosAreUnknownAndTheBudgetIsWhole() throws Exception
    {
        final SloEngine engine = engine(P2P);
        final SloStatus status = engine.statuses().get(0);
        assertTrue(Double.isNaN(status.window(Duration.ofHours(1)).sliRatio()));
        assertEquals(1.0, status.budgetRemaining(), 0.0);
        assertFalse(status.alerts().stream().anyMatch(SloStatus.AlertStatus::active));
    }
}
