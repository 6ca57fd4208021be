package io.hotpath.otel.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotpath.daemon.testkit.DaemonProcess;
import io.hotpath.daemon.testkit.ExternalProcess;
import io.hotpath.daemon.testkit.PrometheusServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import io.hotpath.agent.it.SpoolReader;

/**
 * Done-when of issue 8, end to end with real parts: the demo service with the OpenTelemetry API and
 * SDK on its class path wraps every call in a span; the standalone hotpath agent records the calls
 * (reading the span context from the application's own API); hotpathd tails the queue; a real
 * Prometheus with exemplar storage scrapes it.
 *
 * <ul>
 *   <li>OpenMetrics ({@code Accept: application/openmetrics-text}): the slowest exemplar of
 *       {@code transport_send} is a call of the injected latency spike — the slow p99/max interval —
 *       whose trace id and span id are those the service created around that very call; every
 *       exemplar names a real call of its own series, with a value within that call's own timing.</li>
 *   <li>{@code promtool check metrics} finds nothing in the Prometheus text format.</li>
 *   <li>Prometheus returns such exemplars from {@code /api/v1/query_exemplars}.</li>
 * </ul>
 */
class ExemplarEndToEndIT
{
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final long SPIKE_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(30);
    /** {@code name{labels} value # {trace_id="…",span_id="…"} value timestamp} */
    private static final Pattern EXEMPLAR = Pattern.compile(
        "^hotpath_duration_seconds_bucket\\{([^}]*)} \\S+ # \\{trace_id=\"([0-9a-f]{32})\",span_id=\"([0-9a-f]{16})\"} (\\S+) (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    @TempDir
    Path temp;

    record Exemplar(Map<String, String> labels, String traceId, String spanId, double valueSeconds, double timestampSeconds)
    {
        String seriesKey()
        {
            final Map<String, String> rule = new HashMap<>(labels);
            final String metric = rule.remove("metric");
            rule.remove("service");
            rule.remove("kind");
            rule.remove("le");
            return SpoolReader.seriesKey(metric, rule);
        }
    }

    @Test
    void aSlowIntervalsExemplarCarriesATraceTheServiceCreated() throws Exception
    {
        assumeTrue(PrometheusServer.available(), "prometheus not installed");
        final Path spool = temp.resolve("spool");
        Files.createDirectories(spool);
        try (DaemonProcess daemon = DaemonProcess.start(spool, temp.resolve("state"), temp.resolve("hotpathd.log"));
             PrometheusServer prometheus = PrometheusServer.start(temp.resolve("prometheus"),
                 List.of("127.0.0.1:" + daemon.port()), List.of()))
        {
            final long runStartMillis = System.currentTimeMillis();
            final DemoRun.Result run = DemoRun.run(temp.resolve("demo"), List.of(
                "-javaagent:" + DemoRun.hotpathAgentJar() + "=config=" + DemoRun.demoRules() + ",spool.dir=" + spool +
                    ",service.name=exemplar-it"),
                true, List.of("--duration", "8s", "--rate", "60", "--error-ratio", "0.02",
                    "--spike-start", "3s", "--spike-length", "2s", "--spike-delay", "30ms"));
            final long runEndMillis = System.currentTimeMillis();
            assertEquals(0, run.exitCode(), run.stderr());
            assertEquals("", run.stderr());
            assertTrue(run.stdout().contains("spans from an in-process OpenTelemetry SDK tracer provider"), run.stdout());
            final Map<String, DemoRun.Call> callsBySpan = new HashMap<>();
            for (final DemoRun.Call call : run.calls())
            {
                assertNotNull(call.traceId(), "every call in a span: " + call);
                callsBySpan.put(call.traceId() + "/" + call.spanId(), call);
            }
            final long transportCalls = run.calls().stream().filter(c -> c.series().startsWith("transport_send{")).count();

            // The daemon has every transport call, then its exemplars are checked against the calls.
            final String openMetrics = awaitOpenMetrics(daemon, transportCalls);
            final List<Exemplar> exemplars = exemplars(openMetrics);
            assertFalse(exemplars.isEmpty(), "no exemplars in\n" + openMetrics);
            for (final Exemplar exemplar : exemplars)
            {
                final DemoRun.Call call = callsBySpan.get(exemplar.traceId() + "/" + exemplar.spanId());
                assertNotNull(call, "exemplar " + exemplar + " names no span the service created");
                assertEquals(call.series(), exemplar.seriesKey(), "the exemplar's span is a call of its own series");
                // The demo times the call inside the instrumented method's body, so the agent's span encloses
                // it by two nanoTime reads and a field store: the exemplar is that call's duration, a little
                // longer (a pause between the two clocks may add more; 1 % or 200 µs). Not for job_placement,
                // timed to completion: the agent's completion callback runs after the demo's end.
                final double exemplarNanos = exemplar.valueSeconds() * 1e9;
                assertTrue(call.series().startsWith("job_placement{") || (exemplarNanos >= call.durationNanos() - 1_000 &&
                    exemplarNanos <= call.durationNanos() + Math.max(call.durationNanos() / 100, 200_000)),
                    exemplar + " is not the duration of its call, " + call.durationNanos() + " ns as the service timed it");
                assertTrue(exemplar.timestampSeconds() * 1000 >= runStartMillis - 1000 &&
                    exemplar.timestampSeconds() * 1000 <= runEndMillis + 1000, "timestamp within the run: " + exemplar);
            }
            final Exemplar slowest = exemplars.stream().filter(e -> "transport_send".equals(e.labels().get("metric")))
                .max((a, b) -> Double.compare(a.valueSeconds(), b.valueSeconds())).orElseThrow();
            assertTrue(slowest.valueSeconds() * 1e9 >= SPIKE_DELAY_NANOS,
                "the slowest transport_send exemplar is a call of the latency spike: " + slowest);
            final DemoRun.Call slowCall = callsBySpan.get(slowest.traceId() + "/" + slowest.spanId());
            assertTrue(slowCall.durationNanos() >= SPIKE_DELAY_NANOS, slowCall.toString());
            final double p99 = windowP99(openMetrics, slowest.labels());
            assertTrue(p99 * 1e9 >= SPIKE_DELAY_NANOS, "the spike dominates the window's p99: " + p99);
            assertTrue(bucketBound(slowest) >= p99, "the slowest exemplar sits at or above the p99 bucket: " + slowest + " p99 " + p99);

            // Prometheus stored them: query_exemplars returns exemplars of spans the service created.
            final JsonNode stored = awaitPrometheusExemplars(prometheus, callsBySpan);
            for (final JsonNode series : stored)
            {
                for (final JsonNode exemplar : series.get("exemplars"))
                {
                    final String key = exemplar.get("labels").get("trace_id").asText() + "/" + exemplar.get("labels").get("span_id").asText();
                    assertTrue(callsBySpan.containsKey(key), "Prometheus exemplar " + exemplar + " names no span the service created");
                }
            }

            promtoolFindsNothingIn(ExternalProcess.get(daemon.url() + "/metrics").body());
        }
    }

    private static String awaitOpenMetrics(final DaemonProcess daemon, final long transportCalls) throws Exception
    {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        String text = "";
        long counted = -1;
        while (System.nanoTime() < deadline)
        {
            text = openMetrics(daemon);
            counted = 0;
            for (final String line : text.split("\n"))
            {
                if (line.startsWith("hotpath_duration_seconds_count{") && line.contains("metric=\"transport_send\""))
                {
                    counted += (long)Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            if (counted == transportCalls && text.contains(" # {trace_id="))
            {
                return text;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the daemon counted " + counted + " transport_send calls, the demo made " + transportCalls +
            "\n" + daemon.log());
    }

    private static String openMetrics(final DaemonProcess daemon) throws IOException, InterruptedException
    {
        final HttpResponse<String> response = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(daemon.url() + "/metrics"))
                .header("Accept", "application/openmetrics-text; version=1.0.0, text/plain;q=0.5").GET().build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
        return response.body();
    }

    static List<Exemplar> exemplars(final String openMetrics)
    {
        final List<Exemplar> exemplars = new ArrayList<>();
        for (final String line : openMetrics.split("\n"))
        {
            final Matcher m = EXEMPLAR.matcher(line);
            if (m.matches())
            {
                exemplars.add(new Exemplar(labels(m.group(1)), m.group(2), m.group(3),
                    Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5))));
            }
        }
        return exemplars;
    }

    private static Map<String, String> labels(final String text)
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        final Matcher m = LABEL.matcher(text);
        while (m.find())
        {
            labels.put(m.group(1), m.group(2));
        }
        return labels;
    }

    private static double bucketBound(final Exemplar exemplar)
    {
        final String le = exemplar.labels().get("le");
        return "+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }

    /** {@code hotpath_duration_quantile_seconds{window="1m",quantile="0.99"}} of the exemplar's series. */
    private static double windowP99(final String openMetrics, final Map<String, String> seriesLabels)
    {
        for (final String line : openMetrics.split("\n"))
        {
            if (!line.startsWith("hotpath_duration_quantile_seconds{"))
            {
                continue;
            }
            final Map<String, String> labels = labels(line.substring(line.indexOf('{') + 1, line.indexOf('}')));
            if ("1m".equals(labels.get("window")) && "0.99".equals(labels.get("quantile")) &&
                seriesLabels.entrySet().stream().filter(e -> !"le".equals(e.getKey()))
                    .allMatch(e -> e.getValue().equals(labels.get(e.getKey()))))
            {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no 1m p99 for " + seriesLabels);
    }

    private static JsonNode awaitPrometheusExemplars(final PrometheusServer prometheus, final Map<String, DemoRun.Call> calls)
        throws Exception
    {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode data = null;
        while (System.nanoTime() < deadline)
        {
            data = prometheus.exemplars("hotpath_duration_seconds_bucket{metric=\"transport_send\",service=\"exemplar-it\"}", 300);
            if (data != null && data.size() > 0)
            {
                for (final JsonNode series : data)
                {
                    for (final JsonNode exemplar : series.get("exemplars"))
                    {
                        final JsonNode labels = exemplar.get("labels");
                        if (calls.containsKey(labels.get("trace_id").asText() + "/" + labels.get("span_id").asText()))
                        {
                            return data;
                        }
                    }
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("Prometheus returned no exemplar of a span the service created: " + data + "\n" + prometheus.log());
    }

    private void promtoolFindsNothingIn(final String prometheusText) throws Exception
    {
        final File promtool = new File("/usr/bin/promtool");
        assumeTrue(promtool.canExecute(), "promtool not installed");
        assertFalse(prometheusText.contains("# {trace_id="), "no exemplars in the Prometheus text format");
        assertTrue(prometheusText.contains("metric=\"transport_send\""));
        final Path file = temp.resolve("metrics.txt");
        Files.writeString(file, prometheusText);
        final Process process = new ProcessBuilder(promtool.getPath(), "check", "metrics")
            .redirectInput(file.toFile()).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), "promtool check metrics: " + output);
        assertEquals("", output.trim(), "no lint findings");
    }
}
