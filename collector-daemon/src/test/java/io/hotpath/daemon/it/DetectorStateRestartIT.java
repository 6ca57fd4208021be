package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.daemon.testkit.DaemonProcess;
import io.hotpath.daemon.testkit.DemoProcess;
import io.hotpath.daemon.testkit.ExternalProcess;
import io.hotpath.daemon.testkit.IncidentsApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detectors' learnt state survives a real {@code kill -9}: hotpathd (built-in anomaly settings,
 * 30 values of warm-up) watches the demo through a latency spike, is killed with SIGKILL and started
 * again on the same state directory while the demo runs on. The restarted daemon restores every
 * series from {@code detectors.state}: its detectors score the very first intervals (a fresh one
 * gives no verdict for 30 s), {@code hotpath_anomalies_total} and the event count do not go back.
 * Then the file is corrupted and the daemon killed and restarted again: it starts, counts the bad
 * file in {@code /health} and learns from scratch.
 */
class DetectorStateRestartIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    @Test
    void learntStateAndEventCountsSurviveKillMinus9AndABadFileMeansLearningAgain() throws Exception
    {
        final Path spool = temp.resolve("spool");
        final Path state = temp.resolve("state");
        DaemonProcess daemon = DaemonProcess.start(spool, state, temp.resolve("hotpathd-1.log"));
        try (DemoProcess demo = DemoProcess.start(spool, "restart", temp.resolve("demo.log"),
            "--duration", "110s", "--rate", "200", "--threads", "40", "--error-ratio", "0.02",
            "--spike-start", "45s", "--spike-length", "8s", "--spike-delay", "50ms"))
        {
            // The spike opens events; the state file is saved within 5 s of one opening. Wait until the file
            // holds every event opened so far (and no new one for a few seconds), then kill.
            await(daemon, d -> anomalies(d).get("events_opened").asLong() >= 1, WAIT.multipliedBy(2));
            Thread.sleep(5_000);
            final long events = await(daemon, d -> health(d).at("/anomalyState/eventsWritten").asLong()
                == anomalies(d).get("events_opened").asLong(), WAIT).get("events_opened").asLong();
            final Map<String, Double> countersBefore = MetricsText.samples(ExternalProcess.get(daemon.url() + "/metrics").body(),
                "hotpath_anomalies_total");
            assertTrue(events >= 1 && !countersBefore.isEmpty(), "events " + events + ", counters " + countersBefore);
            assertTrue(demo.process().isAlive(), "the demo still runs: the kill happens mid-traffic");
            daemon.kill();

            daemon = DaemonProcess.start(spool, state, temp.resolve("hotpathd-2.log"));
            // The restart's own catch-up with the spool (the seconds it was down closed late, their calls read late)
            // is no stall: none counted by this process starts before it served (a stall of the busy host after may).
            final long served = servedAt(daemon);
            for (final JsonNode service : health(daemon).at("/anomalies/stalls/services"))
            {
                assertTrue(Instant.parse(service.get("lastStart").asText()).toEpochMilli() >= served / 1000 * 1000 - 1000,
                    "a stall counted in the catch-up (served at " + Instant.ofEpochMilli(served) + "): " + health(daemon).get("anomalies"));
            }
            System.out.println("DetectorStateRestartIT: after the restart " + health(daemon).at("/anomalies/stalls"));
            final JsonNode restored = health(daemon).get("anomalyState");
            assertTrue(restored.get("seriesRestored").asLong() >= 3, "restored: " + restored);
            assertEquals(0, restored.get("restoreFailures").asLong(), restored.toString());
            final JsonNode after = anomalies(daemon);
            assertTrue(after.get("events_opened").asLong() >= events, "events opened went back: " + after.get("events_opened"));
            final Map<String, Double> countersAfter = MetricsText.samples(ExternalProcess.get(daemon.url() + "/metrics").body(),
                "hotpath_anomalies_total");
            countersBefore.forEach((labels, value) -> assertTrue(countersAfter.getOrDefault(labels, 0.0) >= value,
                "hotpath_anomalies_total" + labels + " went from " + value + " to " + countersAfter.get(labels)));
            // Warm at once: within a few seconds of the restart every transport's latency has a score (no 30 s warm-up).
            final long restartedAt = System.currentTimeMillis();
            await(daemon, d -> transportLatencyScores(d) == 3, Duration.ofSeconds(20));
            assertTrue(System.currentTimeMillis() - restartedAt < 25_000);

            // A corrupt file: counted, logged, the detectors learn again; the daemon runs.
            daemon.kill();
            Files.write(state.resolve("detectors.state"), "not a detector state".getBytes());
            daemon = DaemonProcess.start(spool, state, temp.resolve("hotpathd-3.log"));
            final JsonNode bad = health(daemon).get("anomalyState");
            assertEquals(1, bad.get("restoreFailures").asLong(), bad.toString());
            assertEquals(0, bad.get("seriesRestored").asLong(), bad.toString());
            assertTrue(daemon.log().contains("ignoring the learnt detector state"), daemon.log());
            Thread.sleep(5_000);
            assertEquals(0, transportLatencyScores(daemon), "a fresh detector is warming up: no score yet");
            final String metrics = ExternalProcess.get(daemon.url() + "/metrics").body();
            assertEquals(1.0, IncidentsApi.sample(metrics, "hotpath_daemon_anomaly_state_failures_total{op=\"restore\"}"), metrics);
            assertEquals(0.0, IncidentsApi.sample(metrics, "hotpath_daemon_anomaly_state_failures_total{op=\"write\"}"), metrics);
        }
        finally
        {
            daemon.close();
        }
    }

    /** When the daemon started serving: the time of its log line saying it caught up with the spool. */
    private static long servedAt(final DaemonProcess daemon)
    {
        final Matcher line = Pattern.compile("(?m)^(\\S+Z) \\S+ RestartCatchUp: caught up with the spool").matcher(daemon.log());
        assertTrue(line.find(), daemon.log());
        return Instant.parse(line.group(1)).toEpochMilli();
    }

    /** Transport series whose latency monitor has a score now. */
    private static int transportLatencyScores(final DaemonProcess daemon) throws Exception
    {
        int scored = 0;
        for (final JsonNode score : JSON.readTree(ExternalProcess.get(daemon.url() + "/api/anomalies?limit=0&scores=all").body()).get("scores"))
        {
            if (score.get("series").asText().contains("transport_send") && score.get("signal").asText().equals("latency_p99")
                && !score.get("score").isNull())
            {
                scored++;
            }
        }
        return scored;
    }

    private interface Check
    {
        boolean test(DaemonProcess daemon) throws Exception;
    }

    private static JsonNode await(final DaemonProcess daemon, final Check check, final Duration timeout) throws Exception
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.test(daemon))
        {
            assertTrue(System.nanoTime() < deadline, "timed out; /api/anomalies: " + anomalies(daemon) + "\n" + daemon.log());
            Thread.sleep(250);
        }
        return anomalies(daemon);
    }

    private static JsonNode anomalies(final DaemonProcess daemon) throws Exception
    {
        return JSON.readTree(ExternalProcess.get(daemon.url() + "/api/anomalies?limit=1000").body());
    }

    private static JsonNode health(final DaemonProcess daemon) throws Exception
    {
        return JSON.readTree(ExternalProcess.get(daemon.url() + "/health").body());
    }
}
