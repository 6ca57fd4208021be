package io.hotpath.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.daemon.config.ConfigLoader;
import io.hotpath.daemon.config.DaemonConfig;
import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.MetricKind;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analysis engines inside a running daemon (in-process, real queue, real HTTP): SLO and anomaly
 * families in both exposition formats, {@code /api/slos} and {@code /api/anomalies}, SLO counters
 * continued exactly from the checkpoint by the next daemon, and {@code expose-scores}.
 */
class AnalysisWiringTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    private DaemonConfig config(final String exposeScores) throws Exception
    {
        final Path slo = Files.writeString(temp.resolve("slo.yaml"), String.join("\n",
            "slos:",
            "  - name: send-success",
            "    sli: {success: {metric: transport_send, labels: {service: svc}}}",
            "    target: 0.95",
            "    window: 1d",
            "    tier: critical",
            ""));
        final Path file = Files.writeString(temp.resolve("hotpathd.yaml"), String.join("\n",
            "listen: 127.0.0.1:0",
            "spool: {dir: " + temp.resolve("spool") + "}",
            "state: {dir: " + temp.resolve("state") + "}",
            "anomaly:",
            "  expose-scores: " + exposeScores,
            "  settings:",
            "    detectors: {adaptive: {warmup: 5}}",
            "slo:",
            "  file: " + slo,
            ""));
        return ConfigLoader.load(file);
    }

    private static void write(final TestQueueWriter writer, final int calls, final int everyNthError)
    {
        final int[] ids = new int[calls];
        final long[] ends = new long[calls];
        final long[] durations = new long[calls];
        final int[] errors = new int[calls];
        final long now = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < calls; i++)
        {
            ids[i] = 1;
            ends[i] = now;
            durations[i] = 1_000_000 + i;
            errors[i] = i % everyNthError == 0 ? 1 : 0;
        }
        writer.writeBatch(ids, ends, durations, errors, 10);
    }

    @Test
    void sloAndAnomalyFamiliesEndpointsAndCountersAcrossARestart() throws Exception
    {
        final TestQueueWriter writer = TestQueueWriter.create(temp.resolve("spool"), "svc", System.currentTimeMillis());
        writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "quic");
        writer.defineErrorType(1, "IOException");
        write(writer, 500, 10);

        Daemon daemon = new Daemon(config("active"));
        daemon.start();
        try
        {
            final String url = "http://127.0.0.1:" + daemon.address().getPort();
            JsonNode slos = awaitJson(url + "/api/slos", j -> j.at("/slos/0/events/good").asLong() + j.at("/slos/0/events/bad").asLong() == 500);
            assertTrue(slos.get("enabled").asBoolean());
            final JsonNode slo = slos.at("/slos/0");
            assertEquals("send-success", slo.get("name").asText());
            assertEquals(450, slo.at("/events/good").asLong());
            assertEquals(50, slo.at("/events/bad").asLong());
            // 10 % errors against a 5 % budget: the day's budget is spent twice.
            assertEquals(-1.0, slo.at("/error_budget/remaining_ratio").asDouble(), 1e-9);
            assertEquals(1, slo.get("series_matched").asInt());

            final String text = awaitMetrics(url, false, "hotpath_slo_events_total{slo=\"send-success\",tier=\"critical\",outcome=\"bad\"} 50\n");
            assertTrue(text.contains("# TYPE hotpath_slo_events_total counter\n"), "Prometheus text names counter families by their sample");
            assertTrue(text.contains("# TYPE hotpath_slo_error_budget_remaining_ratio gauge\n"));
            assertEquals(2.0, sample(text, "hotpath_slo_burn_rate{slo=\"send-success\",tier=\"critical\",window=\"5m\"}"), 1e-9);
            assertEquals(2.0, slo.at("/windows/0/burn_rate").asDouble(), 1e-9);
            assertTrue(text.contains("# TYPE hotpath_anomaly_score gauge\n"));
            assertFalse(text.contains("hotpath_anomaly_score{"), "active only: no score without an open event");
            assertTrue(text.contains("# TYPE hotpath_anomalies_total counter\n"));
            final String openMetrics = awaitMetrics(url, true, "hotpath_slo_events_total{slo=\"send-success\",tier=\"critical\",outcome=\"good\"} 450\n");
            assertTrue(openMetrics.contains("# TYPE hotpath_slo_events counter\n"), "OpenMetrics names counter families without _total");
            assertTrue(openMetrics.contains("# TYPE hotpath_anomalies counter\n"));
            assertTrue(openMetrics.endsWith("# EOF\n"));
            promtoolAccepts(text);

            final JsonNode anomalies = awaitJson(url + "/api/anomalies?limit=5&scores=all", j -> j.get("series_watched").asInt() == 1);
            assertTrue(anomalies.get("enabled").asBoolean());
            assertEquals(3, anomalies.get("scores").size(), "3 signals x the default detector: " + anomalies);
            assertEquals(400, status(url + "/api/anomalies?limit=-1"));
        }
        finally
        {
            daemon.stop();
        }

        // A second daemon on the same state continues the SLO counters from the checkpoint: more
        // calls add to them, nothing is re-counted.
        write(writer, 100, 2);
        daemon = new Daemon(config("all"));
        daemon.start();
        try
        {
            final String url = "http://127.0.0.1:" + daemon.address().getPort();
            final JsonNode slos = awaitJson(url + "/api/slos", j -> j.at("/slos/0/events/good").asLong() + j.at("/slos/0/events/bad").asLong() >= 600);
            assertEquals(500, slos.at("/slos/0/events/good").asLong());
            assertEquals(100, slos.at("/slos/0/events/bad").asLong());
            final String text = awaitMetrics(url, false, "hotpath_anomaly_active{");
            final Matcher scores = Pattern.compile("(?m)^hotpath_anomaly_score\\{").matcher(text);
            int count = 0;
            while (scores.find())
            {
                count++;
            }
            assertEquals(3, count, "expose-scores: all writes every monitor (3 signals x the default detector)");
            promtoolAccepts(text);
        }
        finally
        {
            daemon.stop();
            writer.close();
        }
    }

    @Test
    void switchedOffEnginesStillAnswer() throws Exception
    {
        final DaemonConfig config = new DaemonConfig();
        config.setListen("127.0.0.1:0");
        config.getSpool().setDir(temp.resolve("spool").toString());
        config.getState().setDir(temp.resolve("state").toString());
        config.getAnomaly().setEnabled(false);
        final Daemon daemon = new Daemon(config);
        daemon.start();
        try
        {
            final String url = "http://127.0.0.1:" + daemon.address().getPort();
            assertFalse(json(url + "/api/anomalies").get("enabled").asBoolean());
            assertEquals(0, json(url + "/api/slos").get("slos").size());
            assertFalse(body(url + "/metrics").contains("hotpath_anomal"));
        }
        finally
        {
            daemon.stop();
        }
    }

    private static double sample(final String text, final String series)
    {
        final Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(matcher.find(), "no " + series);
        return Double.parseDouble(matcher.group(1));
    }

    private static void promtoolAccepts(final String text) throws Exception
    {
        final File promtool = new File("/usr/bin/promtool");
        if (!promtool.canExecute())
        {
            return;
        }
        final Process process = new ProcessBuilder(promtool.getPath(), "check", "metrics").redirectErrorStream(true).start();
        process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), "promtool check metrics: " + output);
        assertEquals("", output.trim(), "no lint findings");
    }

    private static String awaitMetrics(final String url, final boolean openMetrics, final String expected) throws Exception
    {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        String text = "";
        while (System.nanoTime() < deadline)
        {
            final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/metrics"));
            if (openMetrics)
            {
                request.header("Accept", "application/openmetrics-text; version=1.0.0");
            }
            text = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
            if (text.contains(expected))
            {
                return text;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + expected + " in\n" + text);
    }

    private static JsonNode awaitJson(final String url, final Predicate<JsonNode> accept) throws Exception
    {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline)
        {
            last = json(url);
            if (accept.test(last))
            {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(url + " never matched; last " + last);
    }

    private static JsonNode json(final String url) throws Exception
    {
        return JSON.readTree(body(url));
    }

    private static String body(final String url) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int status(final String url) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
