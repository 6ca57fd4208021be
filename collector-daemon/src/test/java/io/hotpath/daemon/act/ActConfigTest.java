package io.hotpath.daemon.act;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.act.action.ActionConfig;
import io.hotpath.daemon.config.syntax.ConfigException;
import io.hotpath.daemon.config.ConfigLoader;
import io.hotpath.daemon.config.DaemonConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code alerting}, {@code incidents} and {@code remediation} keys, and their errors (file, line, field). */
class ActConfigTest
{
    @Test
    void theReadmeExampleBinds() throws Exception
    {
        final DaemonConfig config = ConfigLoader.parse(String.join("\n",
            "alerting:",
            "  alertmanagers: [http://127.0.0.1:9093/, http://am2:9093]",
            "  resend-interval: 30s",
            "  runbook-url: https://runbooks.example.com/{service}/{metric}",
            "  labels: {env: prod}",
            "incidents:",
            "  retention: {max-count: 10, max-age: 7d}",
            "  restart-grace: 1m",
            "remediation:",
            "  approval-token-file: /etc/hotpath/approval.token",
            "  actions:",
            "    - name: restart-checkout",
            "      command: [/usr/bin/systemctl, restart, checkout.service]",
            "      dry-run: false",
            "      trigger: {source: anomaly, labels: {service: checkout}, severity: [critical]}",
            "      max-runs: 3",
            "      window: 1h",
            "    - name: rollback",
            "      webhook: http://127.0.0.1:8080/rollback",
            "      approval: required",
            "      trigger: {slo: checkout-availability, severity: page}",
            ""), "test.yaml");
        assertEquals("http://127.0.0.1:9093", config.getAlerting().alertmanagers().get(0).toString());
        assertEquals(10, config.getIncidents().maxCount());
        final List<ActionConfig> actions = config.getRemediation().actions();
        assertEquals(2, actions.size());
        assertFalse(actions.get(0).dryRun());
        assertTrue(actions.get(1).dryRun(), "dry run is the default");
        assertTrue(actions.get(0).matches("anomaly", Map.of("service", "checkout"), "critical"));
        assertFalse(actions.get(0).matches("anomaly", Map.of("service", "checkout"), "warning"));
        assertFalse(actions.get(0).matches("slo", Map.of("service", "checkout"), "critical"));
        assertTrue(actions.get(1).matches("slo", Map.of("slo", "checkout-availability"), "page"));
        assertFalse(actions.get(1).matches("slo", Map.of("slo", "checkout-availability"), "ticket"));
        assertEquals(ActionConfig.Approval.REQUIRED, actions.get(1).approval());
    }

    @Test
    void mistakesNameTheLineAndTheField()
    {
        assertEquals("t.yaml:5:1: field remediation.actions: remediation.actions[0] (x): a trigger is required (slo, source, severity and/or labels)",
            error("remediation:\n  actions:\n    - name: x\n      command: [/bin/true]\n"));
        assertTrue(error("remediation:\n  actions:\n    - name: x\n      command: [/bin/true]\n      trigger: {sevrity: page}\n")
            .startsWith("t.yaml:5:30: field remediation.actions[0].trigger: unknown trigger key 'sevrity'"));
        assertTrue(error("remediation:\n  actions:\n    - name: x\n      command: [/bin/true]\n      webhook: http://h/\n" +
            "      trigger: {source: slo}\n").contains("give exactly one of command or webhook"));
        assertTrue(error("alerting:\n  alertmanagers: [ftp://x]\n").contains("field alerting.alertmanagers: expected an http(s) URL"));
        assertTrue(error("remediation:\n  actions:\n    - name: x\n      comand: [/bin/true]\n").contains("unknown field 'comand'"));
    }

    private static String error(final String yaml)
    {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml")).getMessage();
    }
}
