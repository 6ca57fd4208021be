package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotpath.daemon.testkit.DaemonProcess;
import io.hotpath.daemon.testkit.ExternalProcess;
import io.hotpath.daemon.testkit.FaultyService;
import io.hotpath.daemon.testkit.IncidentsApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 2's approvals with a real hotpathd and its real CLI: an {@code approval: required}
 * action runs only after approval — never after a rejection ({@code hotpathd incidents reject}),
 * never after its approval expired — and the endpoints refuse requests without the token. The
 * global switch, from the CLI, is seen in {@code /api/incidents}.
 */
class ApprovalIT
{
    private static final Duration WAIT = RemediationIT.WAIT;
    private static final String TOKEN = "approval-token-for-the-test";

    @TempDir
    Path temp;

    @Test
    void approvalRequiredRunsOnlyAfterApproval() throws Exception
    {
        final Path spool = temp.resolve("spool");
        final Path broken = temp.resolve("dependency-broken");
        final Path ran = temp.resolve("ran.txt");
        final Path tokenFile = Files.writeString(temp.resolve("approval.token"), TOKEN + "\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        final Path config = Files.writeString(temp.resolve("hotpathd.yaml"), AlertmanagerIT.ANOMALY_SETTINGS + String.join("\n",
            "incidents:",
            "  tick-interval: 200ms",
            "remediation:",
            "  approval-token-file: " + tokenFile,
            "  approval-expiry: 15s",
            "  actions:",
            "    - name: failover",
            "      command: [/bin/sh, -c, 'echo $HOTPATH_INCIDENT_ID >> " + ran + "']",
            "      approval: required",
            "      dry-run: false",
            "      trigger: {labels: {service: checkout}}",
            "      target: '{service}{endpoint}'",
            "      verify-after: 5s",
            "      cooldown: 0s",
            "      max-runs: 10",
            ""));
        try (DaemonProcess daemon = DaemonProcess.start(spool, temp.resolve("state"), temp.resolve("hotpathd.log"), "--config", config.toString());
             ExternalProcess service = FaultyService.start(spool, "checkout", temp.resolve("checkout.pid"), -1, broken, temp.resolve("checkout.log")))
        {
            IncidentsApi.awaitLearnt(daemon, "checkout", 13_000);
            Files.createFile(broken);
            final List<JsonNode> proposed = IncidentsApi.await(daemon, IncidentsApi.has("action_proposed"), 2, WAIT);
            final long rejected = proposed.get(0).path("id").asLong();
            final long approved = proposed.get(1).path("id").asLong();
            assertEquals(2, IncidentsApi.body(daemon.url()).path("remediation").path("awaiting_approval").asInt());

            assertEquals(401, IncidentsApi.post(daemon.url() + "/api/incidents/approve?id=" + approved, null).statusCode());
            assertEquals(401, IncidentsApi.post(daemon.url() + "/api/incidents/approve?id=" + approved, "wrong").statusCode());
            Thread.sleep(1_000);
            assertFalse(Files.exists(ran), "nothing runs without an approval");

            final String cli = RemediationIT.run(List.of(RemediationIT.java(), "-jar", DaemonProcess.jar().toString(), "incidents",
                "--url", daemon.url(), "reject", Long.toString(rejected), "--token-file", tokenFile.toString()));
            assertTrue(cli.contains("rejected failover"), cli);
            final var approval = IncidentsApi.post(daemon.url() + "/api/incidents/approve?id=" + approved, TOKEN);
            assertEquals(200, approval.statusCode(), approval.body());
            IncidentsApi.await(daemon, i -> i.path("id").asLong() == approved && IncidentsApi.types(i).contains("action_finished"), 1, WAIT);
            assertEquals(List.of(Long.toString(approved)), Files.readAllLines(ran));
            assertEquals(409, IncidentsApi.post(daemon.url() + "/api/incidents/approve?id=" + rejected, TOKEN).statusCode(),
                "a rejection is final");

            // New incidents whose approvals expire: they never run, even when approved afterwards.
            Files.delete(broken);
            IncidentsApi.await(daemon, IncidentsApi.inState("resolved"), 2, WAIT);
            Thread.sleep(3_000);
            final long newest = IncidentsApi.incidents(daemon.url()).get(0).path("id").asLong();
            Files.createFile(broken);
            final List<JsonNode> expired = IncidentsApi.await(daemon, i -> i.path("id").asLong() > newest &&
                IncidentsApi.types(i).contains("action_expired"), 2, Duration.ofSeconds(60));
            for (final JsonNode incident : expired)
            {
                RemediationIT.assertInOrder(IncidentsApi.types(incident), "detected", "action_proposed", "action_expired");
                assertEquals(409, IncidentsApi.post(daemon.url() + "/api/incidents/approve?id=" + incident.path("id").asLong(), TOKEN)
                    .statusCode());
            }
            Thread.sleep(1_000);
            assertEquals(List.of(Long.toString(approved)), Files.readAllLines(ran), "only the approved run ran");

            RemediationIT.run(List.of(RemediationIT.java(), "-jar", DaemonProcess.jar().toString(), "incidents", "--url", daemon.url(),
                "switch", "off", "--token-file", tokenFile.toString()));
            assertFalse(IncidentsApi.body(daemon.url()).path("remediation").path("switched_on").asBoolean(true));
            final String metrics = daemon.metrics();
            assertEquals(1, IncidentsApi.sample(metrics, "hotpath_actions_total{action=\"failover\",outcome=\"rejected\"}"), metrics);
            assertEquals(2, IncidentsApi.sample(metrics, "hotpath_actions_total{action=\"failover\",outcome=\"expired\"}"), metrics);
        }
    }
}
