package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.charset.StandardCharsets;

/**
 * Issue 15, item 4: a service whose latency goes bad until it is restarted (a real process writing
 * the spool), a real hotpathd whose action restarts it with a real shell script.
 * <ul>
 *   <li>The fault is detected, the action runs once (the service's second endpoint, same target,
 *       is skipped as busy: one run at a time per target), the service recovers and stays so
 *       for the verify-after time: the timeline reads detected → action started → finished (exit 0,
 *       the script's output) → resolved → verified recovered.</li>
 *   <li>{@code kill -9} of hotpathd, then a restart on the same state directory: every incident's
 *       timeline is there, entry for entry; the journal is mode 0640.</li>
 *   <li>{@code hotpathd incidents} prints it.</li>
 * </ul>
 */
class RemediationIT
{
    static final Duration WAIT = Duration.ofSeconds(45);

    @TempDir
    Path temp;

    private final List<Path> pidFiles = new ArrayList<>();

    @AfterEach
    void stopServicesTheScriptsStarted() throws Exception
    {
        for (final Path pidFile : pidFiles)
        {
            if (Files.exists(pidFile))
            {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void aRestartFixesTheFaultAndTheTimelineSurvivesKill9() throws Exception
    {
        final Path spool = temp.resolve("spool");
        final Path pidFile = temp.resolve("checkout.pid");
        pidFiles.add(pidFile);
        final Path script = restartScript(temp, pidFile, FaultyService.command(spool, "checkout", pidFile, -1, temp.resolve("never")),
            temp.resolve("checkout-restarted.log"));
        final Path config = Files.writeString(temp.resolve("hotpathd.yaml"), AlertmanagerIT.ANOMALY_SETTINGS + String.join("\n",
            "incidents:",
            "  tick-interval: 200ms",
            "remediation:",
            "  actions:",
            "    - name: restart-checkout",
            "      command: [/bin/sh, " + script + "]",
            "      dry-run: false",
            "      trigger: {source: anomaly, labels: {service: checkout, metric: handle}}",
            "      timeout: 20s",
            "      verify-after: 12s",
            ""));
        final Path state = temp.resolve("state");
        final Map<Long, List<String>> before = new TreeMap<>();
        try (DaemonProcess daemon = DaemonProcess.start(spool, state, temp.resolve("hotpathd.log"), "--config", config.toString());
             ExternalProcess service = FaultyService.startLatched(spool, "checkout", pidFile, temp.resolve("fault"), temp.resolve("checkout.log")))
        {
            IncidentsApi.awaitLearnt(daemon, "checkout", 13_000);
            Files.createFile(temp.resolve("fault")); // in the process for good: only a restart (which does not pass the file) fixes it
            final List<JsonNode> verified = IncidentsApi.await(daemon, IncidentsApi.has("verified"), 1, Duration.ofSeconds(60));
            final JsonNode incident = verified.get(0);
            final List<String> types = IncidentsApi.types(incident);
            System.out.println("RemediationIT: incident " + incident.path("id") + " timeline " + types);
            assertInOrder(types, "detected", "action_started", "action_finished", "resolved", "verified");
            final JsonNode finished = IncidentsApi.entries(List.of(incident), "action_finished").get(0);
            assertEquals(0, finished.path("exit_code").asInt(), finished.toString());
            assertTrue(finished.path("output").asText().contains("restarted checkout"), finished.toString());
            assertEquals("recovered", IncidentsApi.entries(List.of(incident), "verified").get(0).path("outcome").asText());

            // Both endpoints' incidents resolve; the action ran once in all (the other was busy on the same target).
            final List<JsonNode> all = IncidentsApi.await(daemon, IncidentsApi.inState("resolved"), 2, WAIT);
            assertEquals(1, IncidentsApi.entries(all, "action_started").size(), all.toString());
            for (final JsonNode skipped : IncidentsApi.entries(all, "action_skipped"))
            {
                assertEquals("busy", skipped.path("reason").asText(), skipped.toString());
            }
            Thread.sleep(1_500);
            assertEquals(1, IncidentsApi.sample(daemon.metrics(),
                "hotpath_actions_total{action=\"restart-checkout\",outcome=\"recovered\"}"), daemon.metrics());

            for (final JsonNode one : IncidentsApi.incidents(daemon.url()))
            {
                before.put(one.path("id").asLong(), entries(one));
            }
            final String listing = run(List.of(java(), "-jar", DaemonProcess.jar().toString(), "incidents", "--url", daemon.url(),
                "--id", incident.path("id").asText()));
            assertTrue(listing.contains("action_started") && listing.contains("verified") && listing.contains("restart-checkout"), listing);
            System.out.println("RemediationIT: hotpathd incidents --id " + incident.path("id") + "\n" + listing);
            daemon.kill();
        }
        final Path journal = state.resolve("incidents.jsonl");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(journal)));
        try (DaemonProcess restarted = DaemonProcess.start(spool, state, temp.resolve("hotpathd-2.log"), "--config", config.toString()))
        {
            final Map<Long, List<String>> after = new TreeMap<>();
            for (final JsonNode one : IncidentsApi.incidents(restarted.url()))
            {
                after.put(one.path("id").asLong(), entries(one));
            }
            assertEquals(before, after, "timelines after kill -9 and restart");
        }
    }

    /** Each entry as its type and time: what must survive a restart. */
    private static List<String> entries(final JsonNode incident)
    {
        final List<String> entries = new ArrayList<>();
        incident.path("timeline").forEach(e -> entries.add(e.path("type").asText() + "@" + e.path("ts").asLong()));
        return entries;
    }

    static void assertInOrder(final List<String> types, final String... expected)
    {
        int at = -1;
        for (final String type : expected)
        {
            final int index = types.subList(at + 1, types.size()).indexOf(type);
            assertTrue(index >= 0, type + " missing after position " + at + " in " + types);
            at += index + 1;
        }
    }

    /** A restart script: stops the service by its pid file, starts it again detached with {@code command}. */
    static Path restartScript(final Path dir, final Path pidFile, final List<String> command, final Path log) throws Exception
    {
        final StringBuilder quoted = new StringBuilder();
        for (final String arg : command)
        {
            quoted.append('\'').append(arg.replace("'", "'\\''")).append("' ");
        }
        return Files.writeString(dir.resolve("restart-" + pidFile.getFileName() + ".sh"), String.join("\n",
            "#!/bin/sh",
            "old=$(cat '" + pidFile + "')",
            "kill \"$old\"",
            "while kill -0 \"$old\" 2>/dev/null; do sleep 0.1; done",
            "nohup " + quoted + ">> '" + log + "' 2>&1 < /dev/null &",
            "echo \"restarted $HOTPATH_TARGET (pid $old) for incident $HOTPATH_INCIDENT_ID\"",
            ""));
    }

    static String java()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String run(final List<String> command) throws Exception
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}
