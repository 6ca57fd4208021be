package io.hotpath.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.daemon.config.ConfigLoader;
import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.MetricKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent's pause readings inside a running daemon (in-process, a real queue written live, real HTTP): its JVM held
 * back 600 ms of every second by its AGENT_STATS shows in {@code hotpath_agent_pause_seconds_total} and is counted as
 * a stall of its service ({@code /api/anomalies}), although the daemon itself closed its seconds on time.
 */
class AgentPauseWiringTest
{
    private static final long MS = 1_000_000L;

    @TempDir
    Path temp;

    @Test
    void aJvmHeldBackByItsOwnReadingsIsAStallOfItsService() throws Exception
    {
        final Path config = Files.writeString(temp.resolve("hotpathd.yaml"), "listen: 127.0.0.1:0\nspool: {dir: " +
            temp.resolve("spool") + "}\nstate: {dir: " + temp.resolve("state") + "}\n");
        final TestQueueWriter writer = TestQueueWriter.create(temp.resolve("spool"), "held", System.currentTimeMillis());
        writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "quic");
        final Daemon daemon = new Daemon(ConfigLoader.load(config));
        daemon.start();
        final HttpClient http = HttpClient.newHttpClient();
        final String url = "http://127.0.0.1:" + daemon.address().getPort();
        final int[] ids = new int[50];
        Arrays.fill(ids, 1);
        final long[] durations = new long[50];
        Arrays.fill(durations, 2 * MS);
        long late = 0;
        long recorded = 0;
        JsonNode stalled = null;
        String metrics = "";
        try
        {
            // 50 calls and a stats record every 250 ms, the JVM held back 600 ms a second (150 ms a record): up to 40 s
            for (int tick = 0; tick < 160 && stalled == null; tick++)
            {
                final long now = System.currentTimeMillis() * MS;
                final long[] ends = new long[50];
                Arrays.fill(ends, now);
                writer.writeBatch(ids, ends, durations, null, 10);
                recorded += 50;
                late += 150 * MS;
                writer.writeAgentStats(now, recorded, 0, late, 0, 0, 0);
                Thread.sleep(250);
                final JsonNode anomalies = new ObjectMapper().readTree(get(http, url + "/api/anomalies"));
                for (final JsonNode service : anomalies.at("/stalls/services"))
                {
                    if (service.get("service").asText().equals("held") && service.get("stalls").asLong() >= 1)
                    {
                        stalled = anomalies;
                    }
                }
                metrics = get(http, url + "/metrics");
            }
        }
        finally
        {
            daemon.stop();
            writer.close();
        }
        assertTrue(stalled != null, "no stall counted for the held-back service");
        assertTrue(metrics.matches("(?s).*\nhotpath_agent_pause_seconds_total\\{service=\"held\",pid=\"\\d+\",reading=\"drain_late\"\\} \\d.*"),
            metrics);
        assertTrue(metrics.contains(",reading=\"run_queue_wait\"} 0\n"), "a reading of zero is shown");
    }

    private static String get(final HttpClient http, final String url) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
