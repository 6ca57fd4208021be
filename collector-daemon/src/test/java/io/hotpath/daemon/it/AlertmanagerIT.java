package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.daemon.testkit.AlertmanagerServer;
import io.hotpath.daemon.testkit.DaemonProcess;
import io.hotpath.daemon.testkit.ExternalProcess;
import io.hotpath.daemon.testkit.FaultyService;
import io.hotpath.daemon.testkit.IncidentsApi;
import io.hotpath.daemon.testkit.WebhookRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 1, with every part real: hotpathd posts its incidents to a real Alertmanager
 * (plus one that is down), whose webhook receiver is a recorder in this test.
 * <ol>
 *   <li>A service's two endpoints turn slow at once (a broken dependency): two incidents, posted with
 *       their labels and annotations; Alertmanager groups them (alertname, service) into one
 *       notification, which arrives within 5 s of the detection.</li>
 *   <li>The dependency is repaired: both incidents resolve, and Alertmanager notifies "resolved".</li>
 *   <li>The dead Alertmanager costs retries and failures, counted, and nothing else.</li>
 * </ol>
 */
class AlertmanagerIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(40);
    static final String ANOMALY_SETTINGS = String.join("\n",
        "anomaly:",
        "  settings:",
        "    detectors:",
        "      mad: {warmup: 10, window: 60, relearn_after: 120, min_duration: 1s, hold: 2s, cooldown: 2s}",
        "    signals:",
        "      latency_p99: {detectors: [mad]}",
        "      throughput: {detectors: []}",
        "      error_ratio: {detectors: []}",
        "");

    @TempDir
    Path temp;

    @Test
    void incidentsFireGroupAndResolveInAlertmanager() throws Exception
    {
        assumeTrue(AlertmanagerServer.available(), "prometheus-alertmanager not installed");
        final Path spool = temp.resolve("spool");
        final Path broken = temp.resolve("dependency-broken");
        final String dead = "http://127.0.0.1:" + ExternalProcess.freePort();
        try (WebhookRecorder recorder = new WebhookRecorder();
             AlertmanagerServer alertmanager = AlertmanagerServer.start(temp.resolve("alertmanager"), recorder.url("/alertmanager")))
        {
            final Path config = Files.writeString(temp.resolve("hotpathd.yaml"), ANOMALY_SETTINGS + String.join("\n",
                "alerting:",
                "  alertmanagers: [" + alertmanager.url() + ", " + dead + "]",
                "  resend-interval: 2s",
                "  resolve-after-missed-resends: 3",
                "  retries: 2",
                "  retry-backoff: 100ms",
                "  external-url: http://hotpathd.example.com:9464",
                "  runbook-url: https://runbooks.example.com/{service}/{metric}",
                "  dashboard-url: https://grafana.example.com/d/hotpath?var-service={service}",
                "  labels: {env: test}",
                "incidents:",
                "  tick-interval: 200ms",
                ""));
            try (DaemonProcess daemon = DaemonProcess.start(spool, temp.resolve("state"), temp.resolve("hotpathd.log"),
                    "--config", config.toString());
                 ExternalProcess service = FaultyService.start(spool, "checkout", temp.resolve("checkout.pid"), -1, broken,
                     temp.resolve("checkout.log")))
            {
                // Detectors learn the normal latency (warm-up 10 values), then the dependency breaks.
                IncidentsApi.awaitLearnt(daemon, "checkout", 13_000);
                assertEquals(0, IncidentsApi.incidents(daemon.url()).size(), IncidentsApi.incidents(daemon.url()).toString());
                Files.createFile(broken);
                final long broke = System.currentTimeMillis();

                final List<JsonNode> open = IncidentsApi.await(daemon, IncidentsApi.inState("open"), 2, WAIT);
                final long detected = Math.min(open.get(0).get("opened_epoch_ms").asLong(), open.get(1).get("opened_epoch_ms").asLong());
                final WebhookRecorder.Received grouped = recorder.await(r -> r.body().path("status").asText().equals("firing") &&
                    r.body().path("alerts").size() == 2, WAIT);
                final WebhookRecorder.Received first = recorder.await(r -> r.body().path("status").asText().equals("firing"), WAIT);
                System.out.println("AlertmanagerIT: dependency broken -> detected " + (detected - broke) + " ms, detected -> first " +
                    "Alertmanager notification " + (first.atMillis() - detected) + " ms, -> grouped notification of both " +
                    (grouped.atMillis() - detected) + " ms");
                assertTrue(first.atMillis() - detected <= 5_000, "notification " + (first.atMillis() - detected) + " ms after detection");

                final JsonNode groupLabels = grouped.body().path("groupLabels");
                assertEquals("HotpathAnomaly", groupLabels.path("alertname").asText(), grouped.body().toString());
                assertEquals("checkout", groupLabels.path("service").asText(), grouped.body().toString());
                final TreeSet<String> endpoints = new TreeSet<>();
                for (final JsonNode alert : grouped.body().path("alerts"))
                {
                    final JsonNode labels = alert.path("labels");
                    endpoints.add(labels.path("endpoint").asText());
                    assertEquals("handle", labels.path("metric").asText(), alert.toString());
                    assertEquals("test", labels.path("env").asText(), alert.toString());
                    assertTrue(List.of("warning", "critical").contains(labels.path("severity").asText()), alert.toString());
                    assertTrue(labels.hasNonNull("incident"), alert.toString());
                    final JsonNode annotations = alert.path("annotations");
                    assertTrue(annotations.path("summary").asText().contains("checkout"), alert.toString());
                    assertTrue(annotations.path("description").asText().contains("latency_p99"), alert.toString());
                    assertEquals("https://runbooks.example.com/checkout/handle", annotations.path("runbook_url").asText(), alert.toString());
                    assertEquals("https://grafana.example.com/d/hotpath?var-service=checkout", annotations.path("dashboard").asText());
                    assertTrue(alert.path("generatorURL").asText().startsWith("http://hotpathd.example.com:9464/api/incidents?id="));
                }
                assertEquals(new TreeSet<>(List.of("/pay", "/refund")), endpoints);
                final JsonNode active = JSON.readTree(ExternalProcess.get(alertmanager.url() + "/api/v2/alerts?active=true").body());
                assertEquals(2, active.size(), active.toString());

                // Repaired: both incidents resolve, Alertmanager says so.
                Files.delete(broken);
                final long repaired = System.currentTimeMillis();
                IncidentsApi.await(daemon, IncidentsApi.inState("resolved"), 2, WAIT);
                final List<String> resolvedEndpoints = new ArrayList<>();
                recorder.await(r ->
                {
                    if (r.body().path("status").asText().equals("resolved"))
                    {
                        r.body().path("alerts").forEach(a -> resolvedEndpoints.add(a.path("labels").path("endpoint").asText()));
                    }
                    return new TreeSet<>(resolvedEndpoints).size() == 2;
                }, WAIT);
                System.out.println("AlertmanagerIT: repaired -> resolved notification within " +
                    (recorder.received().get(recorder.received().size() - 1).atMillis() - repaired) + " ms");

                for (final JsonNode incident : IncidentsApi.incidents(daemon.url()))
                {
                    final List<String> types = IncidentsApi.types(incident);
                    assertTrue(types.contains("detected") && types.contains("resolved"), types.toString());
                    assertTrue(incident.toString().contains("\"state\":\"firing\"") && incident.toString().contains("\"state\":\"resolved\""),
                        incident.toString());
                    assertTrue(incident.toString().contains("\"type\":\"alert_failed\""), "the dead Alertmanager: " + incident);
                }
                Thread.sleep(1_500); // /metrics is rendered at each 1 s rotation
                final String metrics = daemon.metrics();
                assertTrue(IncidentsApi.sample(metrics, "hotpath_alertmanager_posts_total{outcome=\"ok\"}") >= 4, metrics);
                assertTrue(IncidentsApi.sample(metrics, "hotpath_alertmanager_posts_total{outcome=\"failed\"}") >= 2, metrics);
                assertTrue(IncidentsApi.sample(metrics, "hotpath_alertmanager_posts_total{outcome=\"retried\"}") >= 4, metrics);
                assertEquals(0, IncidentsApi.sample(metrics, "hotpath_incidents_open"), metrics);
                final JsonNode health = JSON.readTree(ExternalProcess.get(daemon.url() + "/health").body()).path("incidents");
                assertTrue(health.path("alertmanagerPostsFailed").asLong() >= 2, health.toString());
                assertEquals(0, health.path("open").asInt(), health.toString());
            }
        }
    }
}
