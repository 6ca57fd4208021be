package io.hotpath.daemon.act;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.act.incident.AnomalyIncidentSource;
import io.hotpath.daemon.act.incident.SloIncidentSource;
import io.hotpath.daemon.act.incident.SourceEvent;
import io.hotpath.daemon.detect.AnomalyEvent;
import io.hotpath.daemon.detect.DetectorKind;
import io.hotpath.daemon.detect.FakeInterval;
import io.hotpath.daemon.detect.Severity;
import io.hotpath.daemon.detect.Signal;
import io.hotpath.daemon.slo.SloEngine;
import io.hotpath.daemon.slo.SloFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import io.hotpath.daemon.detect.Direction;

/** The two adapters from the daemon's detections to {@link SourceEvent}s. */
class IncidentSourcesTest
{
    private static final long T0 = 1_767_225_600_000L;

    @Test
    void anomalyEventsOfOneSeriesShareAGroupAndCarryTheirLabels()
    {
        final Map<String, String> labels = Map.of("service", "checkout", "metric", "pay");
        final AnomalyEvent open = new AnomalyEvent(7, "checkout/pay{}", labels, Signal.LATENCY_P99, DetectorKind.MAD, Severity.CRITICAL,
            T0, AnomalyEvent.OPEN, 12.5, T0, 0.2, 0.002, T0, Direction.UP, "mad");
        final AnomalyEvent other = new AnomalyEvent(8, "checkout/pay{}", labels, Signal.ERROR_RATIO, DetectorKind.ZSCORE, Severity.WARNING,
            T0, T0 + 5000, 4, T0, 0.1, 0.0, T0, Direction.UP, "zscore");
        final SourceEvent a = AnomalyIncidentSource.toSourceEvent(open);
        final SourceEvent b = AnomalyIncidentSource.toSourceEvent(other);
        assertEquals(a.groupKey(), b.groupKey());
        assertEquals("anomaly:7", a.memberId());
        assertTrue(a.open());
        assertFalse(b.open());
        assertEquals(Map.of("alertname", "HotpathAnomaly", "service", "checkout", "metric", "pay", "severity", "critical"), a.labels());
        assertTrue(a.description().contains("latency_p99") && a.description().contains("0.2"), a.description());
    }

    @Test
    void anSloPageOpensWhileItsAlertIsActiveAndClosesAfter() throws Exception
    {
        final SloEngine engine = new SloEngine(SloFile.parse("""
            burn_rate_alerts:
              - {severity: page, long_window: 1h, short_window: 5m, factor: 5}
            slos:
              - name: pay-success
                sli: {success: {metric: pay}}
                target: 0.999
                window: 30d
                labels: {team: payments}
            """, "test.yaml"));
        final List<SourceEvent> events = new ArrayList<>();
        final SloIncidentSource source = new SloIncidentSource(engine, events::add);
        final Map<String, String> labels = Map.of("service", "checkout", "metric", "pay");
        for (long s = 0; s < 3600; s++)
        {
            engine.onInterval(FakeInterval.uniform("checkout/pay", labels, T0 + s * 1000, 100, s < 3300 ? 1 : 0, 1_000_000));
            if (s % 60 == 59)
            {
                engine.rotationComplete();
                source.afterRotation();
            }
        }
        assertEquals(2, events.size(), events.toString());
        final SourceEvent page = events.get(0);
        assertTrue(page.open());
        assertEquals("page", page.severity());
        assertEquals("pay-success", page.labels().get("slo"));
        assertEquals("payments", page.labels().get("team"));
        assertEquals("HotpathSLOErrorBudgetBurnPage", page.labels().get("alertname"));
        assertEquals(page.memberId(), events.get(1).memberId());
        assertFalse(events.get(1).open(), "the 5m window ran clean");
    }
}
