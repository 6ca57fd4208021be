package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 4: a fault a restart does not fix (a broken dependency), with real processes and
 * a real Alertmanager.
 * <ul>
 *   <li>One attempt: the restart runs, the incident is still open after verify-after, so the run
 *       failed: escalated (a {@code HotpathRemediationFailed} notification arrives through
 *       Alertmanager), and the breaker (1 failure) disables the action.</li>
 *   <li>The dependency flaps (repaired, broken again, twice): new incidents, no new run (breaker
 *       open) — the action ran once in all, never above its limit.</li>
 *   <li>{@code kill -9} with incidents open, restart: every timeline entry is still there, the
 *       breaker is still open (rebuilt from the journal), and incidents no source reports again
 *       resolve after the restart grace.</li>
 * </ul>
 */
class RemediationNoFixIT
{
    private static final Duration WAIT = RemediationIT.WAIT;

    @TempDir
    Path temp;

    private Path pidFile;

    @AfterEach
    void stopServicesTheScriptsStarted() throws Exception
    {
        if (pidFile != null && Files.exists(pidFile))
        {
            ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void oneAttemptThenEscalationBreakerAndNoStorm() throws Exception
    {
        assumeTrue(AlertmanagerServer.available(), "prometheus-alertmanager not installed");
        final Path spool = temp.resolve("spool");
        final Path broken = temp.resolve("dependency-broken");
        pidFile = temp.resolve("checkout.pid");
        final Path script = RemediationIT.restartScript(temp, pidFile, FaultyService.command(spool, "checkout", pidFile, -1, broken),
            temp.resolve("checkout-restarted.log"));
        try (WebhookRecorder recorder = new WebhookRecorder();
             AlertmanagerServer alertmanager = AlertmanagerServer.start(temp.resolve("alertmanager"), recorder.url("/alertmanager")))
        {
            final Path config = Files.writeString(temp.resolve("hotpathd.yaml"), AlertmanagerIT.ANOMALY_SETTINGS + String.join("\n",
                "alerting:",
                "  alertmanagers: [" + alertmanager.url() + "]",
                "  resend-interval: 5s",
                "incidents:",
                "  tick-interval: 200ms",
                "  restart-grace: 4s",
                "remediation:",
                "  actions:",
                "    - name: restart-checkout",
                "      command: [/bin/sh, " + script + "]",
                "      dry-run: false",
                "      trigger: {source: anomaly, labels: {service: checkout}, severity: [warning, critical]}",
                "      verify-after: 15s",
                "      max-runs: 2",
                "      window: 1h",
                "      cooldown: 0s",
                "      breaker-failures: 1",
                ""));
            final Path state = temp.resolve("state");
            final Map<Long, List<String>> before = new TreeMap<>();
            try (DaemonProcess daemon = DaemonProcess.start(spool, state, temp.resolve("hotpathd.log"), "--config", config.toString());
                 ExternalProcess service = FaultyService.start(spool, "checkout", pidFile, -1, broken, temp.resolve("checkout.log")))
            {
                IncidentsApi.awaitLearnt(daemon, "checkout", 13_000);
                Files.createFile(broken);
                final JsonNode failed = IncidentsApi.await(daemon, IncidentsApi.has("breaker_open"), 1, Duration.ofSeconds(60)).get(0);
                final List<String> types = IncidentsApi.types(failed);
                System.out.println("RemediationNoFixIT: incident " + failed.path("id") + " timeline " + types);
                RemediationIT.assertInOrder(types, "detected", "action_started", "action_finished", "verify_failed", "escalated",
                    "breaker_open");
                assertTrue(IncidentsApi.entries(List.of(failed), "escalated").get(0).path("reason").asText().contains("still (or again) open"),
                    failed.toString());
                final WebhookRecorder.Received escalation = recorder.await(r -> r.body().path("status").asText().equals("firing") &&
                    r.body().path("groupLabels").path("alertname").asText().equals("HotpathRemediationFailed"), WAIT);
                assertTrue(escalation.body().path("alerts").get(0).path("annotations").path("description").asText()
                    .contains("still (or again) open"), escalation.body().toString());

                // Flapping: repaired and broken again, twice. New incidents, no new run.
                for (int flap = 0; flap < 2; flap++)
                {
                    Files.delete(broken);
                    IncidentsApi.await(daemon, IncidentsApi.inState("resolved"), IncidentsApi.incidents(daemon.url()).size(), WAIT);
                    Thread.sleep(3_000); // the detectors' cooldown
                    final long newest = IncidentsApi.incidents(daemon.url()).get(0).path("id").asLong();
                    Files.createFile(broken);
                    IncidentsApi.await(daemon, i -> i.path("id").asLong() > newest && i.path("state").asText().equals("open"), 2, WAIT);
                }
                final List<JsonNode> all = IncidentsApi.incidents(daemon.url());
                assertTrue(all.size() >= 6, all.size() + " incidents");
                assertEquals(1, IncidentsApi.entries(all, "action_started").size(), "the action ran once in all: " + all);
                final long breakerSkips = IncidentsApi.entries(all, "action_skipped").stream()
                    .filter(e -> e.path("reason").asText().equals("breaker_open")).count();
                assertTrue(breakerSkips >= 4, breakerSkips + " skipped by the breaker: " + all);
                Thread.sleep(1_500);
                final String metrics = daemon.metrics();
                assertEquals(1, IncidentsApi.sample(metrics, "hotpath_actions_total{action=\"restart-checkout\",outcome=\"failed\"}"), metrics);
                assertEquals(breakerSkips, IncidentsApi.sample(metrics,
                    "hotpath_actions_total{action=\"restart-checkout\",outcome=\"breaker_open\"}"), metrics);
                assertEquals(2, IncidentsApi.sample(metrics, "hotpath_incidents_open"), metrics);

                for (final JsonNode one : IncidentsApi.incidents(daemon.url()))
                {
                    before.put(one.path("id").asLong(), entries(one));
                }
                daemon.kill();
            }

            try (DaemonProcess restarted = DaemonProcess.start(spool, state, temp.resolve("hotpathd-2.log"), "--config", config.toString()))
            {
                final JsonNode body = IncidentsApi.body(restarted.url());
                assertTrue(body.path("remediation").path("actions").path("restart-checkout").path("breaker_open").asBoolean(), body.toString());
                // Open ones are resolved after the restart grace: the restarted detectors do not know the old normal.
                final List<JsonNode> after = IncidentsApi.await(restarted, IncidentsApi.inState("resolved"), before.size(), WAIT);
                for (final JsonNode one : after)
                {
                    final List<String> entries = entries(one);
                    final List<String> was = before.get(one.path("id").asLong());
                    assertEquals(was, entries.subList(0, was.size()), "incident " + one.path("id") + " after kill -9");
                }
                final List<JsonNode> graceResolved = new ArrayList<>();
                IncidentsApi.entries(after, "resolved").forEach(e ->
                {
                    if (e.path("reason").asText().contains("restart"))
                    {
                        graceResolved.add(e);
                    }
                });
                assertEquals(2, graceResolved.size(), after.toString());
            }
        }
    }

    private static List<String> entries(final JsonNode incident)
    {
        final List<String> entries = new ArrayList<>();
        incident.path("timeline").forEach(e -> entries.add(e.path("type").asText() + "@" + e.path("ts").asLong()));
        return entries;
    }
}
