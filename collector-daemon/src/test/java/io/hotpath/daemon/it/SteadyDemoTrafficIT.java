package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.daemon.testkit.DaemonProcess;
import io.hotpath.daemon.testkit.DemoProcess;
import io.hotpath.daemon.testkit.ExternalProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's "0 events in steady demo traffic", shortened: the demo as {@code ./demo.sh} runs it (200
 * iterations/s on 2 threads, 2 % errors) but without its spike, for 150 s under the agent, watched by
 * hotpathd with the <em>built-in</em> anomaly settings (no override: the warm-up, floors and
 * thresholds users get). Every series is past its warm-up for about two minutes, so each of its
 * monitors gives some 120 verdicts (about 3,600 in all).
 *
 * <p>What it asserts is what holds on a shared 2-core CI machine: there, other builds stall every JVM
 * now and then, the demo's p99 really rises on all its series at once and its closed loop really
 * slows, and the detectors report it (a measured 10-minute run: 4 events, all within 38 s of a maven
 * build; none in the other 9 minutes, see benchmarks/RESULTS-detect.md). So: no monitor raises more
 * than one event, and whatever is raised is at most three incidents (one slowdown, one incident),
 * never a storm of events over the run (three runs here: 0 events; 5 events; 7 events in 2 incidents); the demo's exit raises nothing (its JVM is gone: no throughput
 * verdict). Every event is printed. On an idle machine the run raises none.
 */
class SteadyDemoTrafficIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEMO_SECONDS = 150;

    @TempDir
    Path temp;

    @Test
    void steadyDemoTrafficRaisesNoStormOfEvents() throws Exception
    {
        final Path spool = temp.resolve("spool");
        try (DaemonProcess daemon = DaemonProcess.start(spool, temp.resolve("state"), temp.resolve("hotpathd.log"));
             DemoProcess demo = DemoProcess.start(spool, "steady", temp.resolve("demo.log"),
                 "--duration", DEMO_SECONDS + "s", "--rate", "200", "--threads", "2", "--error-ratio", "0.02",
                 "--results", temp.resolve("results.tsv").toString()))
        {
            final Map<Long, JsonNode> events = new TreeMap<>();
            int watched = 0;
            while (demo.process().isAlive())
            {
                watched = Math.max(watched, collect(daemon, events));
                Thread.sleep(1_000);
            }
            demo.awaitSuccess(Duration.ofSeconds(60));
            final long calls = DemoProcess.exactResults(temp.resolve("results.tsv")).stream()
                .filter(s -> s.metric().equals("transport_send")).mapToLong(DemoProcess.ExactSeries::count).sum();
            Thread.sleep(5_000); // a throughput "drop" at the demo's exit would have opened by now
            watched = Math.max(watched, collect(daemon, events));

            // The run was real: the demo's traffic reached the detectors, on all its series.
            assertTrue(calls > 100L * DEMO_SECONDS, "the demo made " + calls + " transport sends");
            assertTrue(watched >= 10, "series watched: " + watched);
            final Map<String, Integer> perMonitor = new TreeMap<>();
            final StringBuilder log = new StringBuilder();
            for (final JsonNode event : events.values())
            {
                perMonitor.merge(event.get("series").asText() + " " + event.get("signal").asText(), 1, Integer::sum);
                log.append(event.get("start").asText()).append(' ').append(event.get("series").asText()).append(' ')
                    .append(event.get("signal").asText()).append(' ').append(event.get("severity").asText()).append(" peak ")
                    .append(event.get("peak_score").asText()).append('\n');
            }
            System.out.println("SteadyDemoTrafficIT: " + events.size() + " events in steady traffic:\n" + log);
            perMonitor.forEach((monitor, count) -> assertTrue(count <= 1, monitor + " raised " + count + " events:\n" + log));
            final long incidents = json(daemon.url() + "/api/anomalies?limit=0").get("incidents_opened").asLong();
            assertTrue(incidents <= 3, incidents + " incidents in 150 s of steady traffic:\n" + log);
        }
    }

    /** Records every event seen; returns the series watched. */
    private static int collect(final DaemonProcess daemon, final Map<Long, JsonNode> events) throws Exception
    {
        final JsonNode anomalies = json(daemon.url() + "/api/anomalies?limit=1000");
        for (final String list : new String[] { "active", "recent" })
        {
            anomalies.get(list).forEach(e -> events.putIfAbsent(e.get("id").asLong(), e));
        }
        return anomalies.get("series_watched").asInt();
    }

    private static JsonNode json(final String url) throws Exception
    {
        return JSON.readTree(ExternalProcess.get(url).body());
    }
}
