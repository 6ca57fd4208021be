package io.hotpath.daemon.slo;

import io.hotpath.daemon.config.syntax.ConfigException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SloFileTest
{
    static final Path DEMO = Path.of("src/main/resources/examples/slo-demo.yaml");

    @Test
    void theDemoFileDefinesTheFourDemoSlos() throws Exception
    {
        final SloFile file = SloFile.load(DEMO);
        assertEquals(4, file.slos().size());

        final SloDefinition send = file.slo("transport-send-latency");
        assertEquals(SliSpec.Type.LATENCY, send.sli().type());
        assertEquals("transport_send", send.sli().metric());
        assertEquals(100_000_000L, send.sli().thresholdNanos());
        assertEquals(0.95, send.sli().percentile());
        assertTrue(send.sli().timeSliced());
        assertEquals(0.99, send.target());
        assertEquals(Duration.ofDays(30), send.window());
        assertEquals("critical", send.tier());
        assertEquals(BurnRateAlert.WORKBOOK, send.alerts());

        final SloDefinition sendSuccess = file.slo("transport-send-success");
        assertEquals(SliSpec.Type.SUCCESS, sendSuccess.sli().type());
        assertEquals("transport_send", sendSuccess.sli().metric());
        assertEquals(0.99, sendSuccess.target());

        final SloDefinition connect = file.slo("p2p-connect-success");
        assertEquals(SliSpec.Type.SUCCESS, connect.sli().type());
        assertEquals("p2p_connect", connect.sli().metric());
        assertEquals(0.999, connect.target());

        final SloDefinition migrate = file.slo("vm-migrate-success");
        assertEquals("vm_migrate", migrate.sli().metric());
        assertEquals(0.99, migrate.target());
        assertEquals(Map.of("team", "platform"), migrate.labels());
    }

    @Test
    void targetsMayBePercentagesAndAlertsMayBeOverridden() throws Exception
    {
        final SloFile file = SloFile.parse("""
            burn_rate_alerts:
              - {severity: ticket, long_window: 2h, short_window: 10m, factor: 2}
            slos:
              - name: a
                sli: {success: {metric: m, labels: {service: s}}}
                target: "99.5%"
                window: 7d
              - name: b
                sli: {success: {metric: m}}
                target: 0.9
                window: 7d
                burn_rate_alerts:
                  - {severity: page, long_window: 1h, short_window: 5m, factor: 5}
            """, "slo.yaml");
        assertEquals(0.995, file.slo("a").target(), 1e-12);
        assertEquals(Map.of("service", "s"), file.slo("a").sli().labels());
        assertEquals("ticket", file.slo("a").alerts().get(0).severity());
        assertEquals(5.0, file.slo("b").alerts().get(0).factor());
    }

    private static String error(final String yaml)
    {
        return assertThrows(ConfigException.class, () -> SloFile.parse(yaml, "slo.yaml")).getMessage();
    }

    @Test
    void validationErrorsNameFileLineAndField()
    {
        assertEquals("slo.yaml:5: slos[0].target: expected a ratio in (0, 1) such as 0.99 or \"99%\", got 1.5", error("""
            slos:
              - name: a
                sli:
                  success: {metric: m}
                target: 1.5
                window: 30d
            """));
        assertEquals("slo.yaml:2: slos[0].target: missing; expected a ratio such as 0.99 or \"99%\"", error("""
            slos:
              - name: a
                sli: {success: {metric: m}}
                window: 30d
            """));
        assertEquals("slo.yaml:6: slos[0].sli.latency.threshold: expected a duration such as 500ms, 15s, 5m, 2h, 7d or 1h30m "
            + "(units ms, s, m, h, d, w), with a unit after 100, got '100'", error("""
            slos:
              - name: a
                sli:
                  latency:
                    metric: transport_send
                    threshold: 100
                target: 0.99
                window: 30d
            """));
        assertEquals("slo.yaml:5: slos[0].windw: unknown field; expected one of name, description, sli, target, window, "
            + "tier, labels, runbook, burn-rate-alerts", error("""
            slos:
              - name: a
                sli: {success: {metric: m}}
                target: 0.99
                windw: 30d
            """));
        assertEquals("slo.yaml:7: slos[1].name: duplicate SLO name \"a\", first defined on line 2", error("""
            slos:
              - name: a
                sli: {success: {metric: m}}
                target: 0.99
                window: 30d
              - sli: {success: {metric: m}}
                name: a
                target: 0.99
                window: 30d
            """));
        assertEquals("slo.yaml:3: slos[0].sli: expected exactly one of latency: {...} or success: {...}", error("""
            slos:
              - name: a
                sli:
                  success: {metric: m}
                  latency: {metric: m, threshold: 1s}
                target: 0.99
                window: 30d
            """));
        assertTrue(error("""
            slos:
              - name: a
                sli: {success: {metric: m}}
                target: 0.99
                window: 30d
                labels: {window: x}
            """).startsWith("slo.yaml:6: slos[0].labels.window: the label name \"window\" is used by hotpath itself"));
        assertEquals("slo.yaml:4: slos[0].target: with target 0.9 the page alert over 1h/5m (factor 14.4) needs an "
            + "error ratio of 1.44, above 1: it can never fire; lower its factor or raise the target", error("""
            slos:
              - name: a
                sli: {success: {metric: m}}
                target: 0.9
                window: 30d
            """));
        assertEquals("slo.yaml:2: burn_rate_alerts[0]: short window 2h must be shorter than the long window 1h", error("""
            burn_rate_alerts:
              - {severity: page, long_window: 1h, short_window: 2h, factor: 14.4}
            slos:
              - {name: a, sli: {success: {metric: m}}, target: 0.99, window: 30d}
            """));
        assertEquals("slo.yaml:1: slos: expected at least one SLO", error("slos: []\n"));
        assertTrue(error("slos:\n  - name: [a\n").startsWith("slo.yaml:"), "syntax errors carry the file name");
    }
}
