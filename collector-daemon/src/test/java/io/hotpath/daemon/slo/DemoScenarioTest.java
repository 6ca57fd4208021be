package io.hotpath.daemon.slo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.hotpath.daemon.aggregate.IntervalListener;
import io.hotpath.daemon.detect.AnomalyEngine;
import io.hotpath.daemon.detect.AnomalyEvent;
import io.hotpath.daemon.detect.AnomalySettings;
import io.hotpath.daemon.detect.DetectorKind;
import io.hotpath.daemon.detect.FakeInterval;
import io.hotpath.daemon.detect.Signal;
import io.hotpath.daemon.expose.AnomalyMetricFamilies;
import io.hotpath.daemon.expose.SloMetricFamilies;
import io.hotpath.daemon.expose.TextMetricWriter;

/**
 * The "done when", short of the running daemon: both engines listening to one interval
 * stream of the demo's transport sends, with the demo SLO file. A 2-minute latency shift with
 * errors raises one event per detector (not one per second) within seconds, and the SLO gauges move.
 */
class DemoScenarioTest
{
    private static final long T0 = SloEngineTest.T0;

    @Test
    void aLatencyShiftIsOneEventPerDetectorAndBurnsTheSloBudget() throws Exception
    {
        final List<AnomalyEvent> events = new ArrayList<>();
        final AnomalyEngine anomalies = new AnomalyEngine(AnomalySettings.defaults(), events::add);
        final SloEngine slos = new SloEngine(SloFile.load(Path.of("src/main/resources/examples/slo-demo.yaml")));
        final List<IntervalListener> listeners = List.of(anomalies, slos);

        final Map<String, String> labels = new LinkedHashMap<>();
        labels.put("service", "demo");
        labels.put("metric", "transport_send");
        labels.put("kind", "transport");
        final Random random = new Random(11);
        final int shiftStart = 300;
        final int shiftEnd = 420;
        double budgetBefore = Double.NaN;
        boolean paged = false;
        for (int s = 0; s < 780; s++)
        {
            final boolean shifted = s >= shiftStart && s < shiftEnd;
            final long fast = (long)(20e6 * (1 + 0.05 * random.nextGaussian()));
            // 200 sends/s; during the shift 20 % take 150 ms (p95 over 100 ms: bad minutes) and 5 % fail.
            final long slow = shifted ? 40 : 0;
            final long errors = shifted ? 10 : (random.nextInt(100) == 0 ? 1 : 0);
            final FakeInterval interval =
                new FakeInterval("demo/transport_send", labels, T0 + s * 1000L, 200, errors, fast, slow, 150_000_000);
            listeners.forEach(listener -> listener.onInterval(interval));
            slos.rotationComplete();
            if (s == shiftStart - 1)
            {
                budgetBefore = slos.statuses().get(0).budgetRemaining();
            }
            paged |= slos.statuses().get(0).alerts().get(0).active();
        }

        final List<AnomalyEvent> latencyStarts = events.stream()
            .filter(e -> e.isOpen() && e.signal() == Signal.LATENCY_P99).toList();
        assertEquals(List.of(DetectorKind.ADAPTIVE),
            latencyStarts.stream().map(AnomalyEvent::detector).sorted().toList(), events.toString());
        for (final AnomalyEvent start : latencyStarts)
        {
            final long delay = start.startMillis() - (T0 + shiftStart * 1000L);
            assertTrue(delay >= 0 && delay <= 10_000, start.logLine());
        }
        final long errorStarts = events.stream().filter(e -> e.isOpen() && e.signal() == Signal.ERROR_RATIO).count();
        assertEquals(1, errorStarts, "one error-ratio event for one change: " + events);
        assertTrue(events.size() <= 12, "a handful of start and end lines, not one per second: " + events.size());

        final SloStatus send = slos.statuses().get(0);
        assertEquals("transport-send-latency", send.slo().name());
        assertEquals(1.0, budgetBefore, 0.0, "no bad minute before the shift");
        // Minutes 5 and 6 missed p95 < 100 ms: 2 bad of 12 closed minutes; 30 d budget 1 %: consumed 2/12 / 0.01.
        assertEquals(2, send.badEvents());
        assertEquals(2.0 / 12 / 0.01, send.budgetConsumed(), 1e-9);
        assertTrue(paged, "1h and 5m burned faster than 14.4x during the shift");
        // Five clean minutes later the 5m window has recovered (the page is off), the 1h one has not.
        assertEquals(0.0, send.window(Duration.ofMinutes(5)).burnRate(), 0.0);
        assertTrue(send.window(Duration.ofHours(1)).burnRate() > 14.4);
        assertTrue(!send.alerts().get(0).active());

        final TextMetricWriter writer = new TextMetricWriter(false);
        new AnomalyMetricFamilies(anomalies, true).writeTo(writer, null);
        new SloMetricFamilies(slos).writeTo(writer, null);
        final String exposition = new String(writer.finish(), StandardCharsets.UTF_8);
        assertTrue(exposition.contains("hotpath_slo_events_total{slo=\"transport-send-latency\",tier=\"critical\","
            + "team=\"transport\",outcome=\"bad\"} 2\n"), exposition);
        assertTrue(exposition.contains("hotpath_anomalies_total{service=\"demo\",metric=\"transport_send\","
            + "kind=\"transport\",signal=\"latency_p99\",detector=\"adaptive\""), exposition);
    }
}
