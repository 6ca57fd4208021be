package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.daemon.testkit.DaemonProcess;
import io.hotpath.daemon.testkit.DemoProcess;
import io.hotpath.daemon.testkit.ExternalProcess;
import io.hotpath.daemon.testkit.PrometheusServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's real-stack test: the rule file {@code hotpathd rules} generates from the demo SLO file,
 * checked by the real promtool, loaded into a real Prometheus (1 s scrape and evaluation) that
 * scrapes a real hotpathd tailing the demo under the agent.
 * <ol>
 *   <li>Normal traffic (1 % errors, a 1× burn of the 99 % transport SLO): the series are in
 *       Prometheus with the demo's exact counts, every rule evaluates without error, the recording
 *       rules give the demo's error ratio, and the page alert of {@code transport-send-success}
 *       never went pending or firing (its thresholds are 14.4× = 14.4 % and 6× = 6 %).</li>
 *   <li>A forced error burst (a second demo run with 60 % errors): the page alert goes pending or
 *       firing, in {@code /api/v1/alerts} and in {@code ALERTS}, and hotpathd's own burn-rate
 *       alert agrees.</li>
 * </ol>
 * The generated rules keep their production windows (5m/1h, 30m/6h): {@code rate()} over a
 * window longer than the data covers what exists, so with a burst large enough both windows exceed
 * 14.4× within seconds: after 12 s at 1 %, the cumulative ratio passes 6 % (the alert's second
 * pair, 6× over 6h and 30m) about 1 s and 14.4 % about 4 s into a 60 % burst. The page alert has no
 * {@code for:}, so it fires at once; pending or firing is accepted.
 */
class BurnRateAlertIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final Path SLO_FILE = Path.of("src/main/resources/examples/slo-demo.yaml").toAbsolutePath();
    private static final String SERVICE = "burn-rate-it";
    private static final String SLO = "transport-send-success";
    private static final String PAGE_ALERT = "ALERTS{alertname=\"HotpathSLOErrorBudgetBurnPage\",slo=\"" + SLO + "\"}";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    @Test
    void aForcedErrorBurstMakesTheFastBurnAlertGoPendingOrFiring() throws Exception
    {
        assumeTrue(PrometheusServer.available(), "prometheus not installed");
        assumeTrue(Files.isExecutable(PROMTOOL), "promtool not installed");

        // The rules as users make them: hotpathd rules, then promtool check rules.
        final Path rules = temp.resolve("hotpath-rules.yml");
        final String generated = run(List.of(java(), "-jar", DaemonProcess.jar().toString(), "rules", "--slo", SLO_FILE.toString(),
            "--out", rules.toString()));
        assertTrue(Files.size(rules) > 0, generated);
        final String check = run(List.of(PROMTOOL.toString(), "check", "rules", rules.toString()));
        assertTrue(check.contains("SUCCESS"), check);

        final Path spool = temp.resolve("spool");
        final Path config = Files.writeString(temp.resolve("hotpathd.yaml"), "slo:\n  file: " + SLO_FILE + "\n");
        try (DaemonProcess daemon = DaemonProcess.start(spool, temp.resolve("state"), temp.resolve("hotpathd.log"),
                "--config", config.toString());
             PrometheusServer prometheus = PrometheusServer.start(temp.resolve("prometheus"), List.of("127.0.0.1:" + daemon.port()),
                 List.of(rules)))
        {
            prometheus.awaitQuery("up{job=\"hotpathd\"}", r -> value(r) == 1.0, WAIT);
            prometheus.awaitQuery("hotpath:slo_target:ratio{slo=\"" + SLO + "\"}", r -> value(r) == 0.99, WAIT);

            // 1. Normal traffic: 1 % errors.
            final Path normal = temp.resolve("normal.tsv");
            DemoProcess.start(spool, SERVICE, temp.resolve("demo-normal.log"), "--duration", "12s", "--rate", "200",
                "--error-ratio", "0.01", "--results", normal.toString()).awaitSuccess(Duration.ofSeconds(60));
            final List<DemoProcess.ExactSeries> exact = DemoProcess.exactResults(normal);
            final long calls = sum(exact, false);
            final long errors = sum(exact, true);
            assertTrue(errors > 0 && errors < calls * 0.03, errors + " errors of " + calls);
            for (final String transport : new String[] { "QUIC", "BITCHAT", "BETANET" })
            {
                final long count = exact.stream().filter(s -> s.metric().equals("transport_send") &&
                    transport.equals(s.labels().get("transport"))).mapToLong(DemoProcess.ExactSeries::count).sum();
                prometheus.awaitQuery("sum(hotpath_calls_total{service=\"" + SERVICE + "\",metric=\"transport_send\",transport=\"" +
                    transport + "\"})", r -> value(r) == count, WAIT);
            }
            prometheus.awaitQuery("count(hotpath_duration_seconds_bucket{service=\"" + SERVICE + "\",metric=\"transport_send\"})",
                r -> value(r) > 3, WAIT);
            // Two more evaluations on the complete counters.
            Thread.sleep(2_500);
            assertRulesHealthy(prometheus);
            final double exactRatio = (double)errors / calls;
            for (final String window : new String[] { "5m", "30m", "1h" })
            {
                final double ratio = value(prometheus.awaitQuery("hotpath:slo_error_ratio:rate" + window + "{slo=\"" + SLO + "\"}",
                    r -> true, WAIT));
                assertEquals(exactRatio, ratio, 0.005, "recorded error ratio over " + window + " vs the demo's exact " + exactRatio);
            }
            final double remaining = value(prometheus.awaitQuery("hotpath:slo_error_budget_remaining:ratio{slo=\"" + SLO + "\"}",
                r -> true, WAIT));
            assertTrue(remaining < 1 && remaining > -1, "1x burn over a few seconds of a 30d window: " + remaining);
            assertEquals(0, prometheus.query("count_over_time(" + PAGE_ALERT + "[10m])").size(),
                "a 1x burn must not page: " + prometheus.query("count_over_time(" + PAGE_ALERT + "[10m])"));

            // 2. The burst: 60 % errors. The page alert goes pending or firing within seconds.
            final long burstStart = System.nanoTime();
            final DemoProcess burst = DemoProcess.start(spool, SERVICE, temp.resolve("demo-burst.log"), "--duration", "10s",
                "--rate", "200", "--error-ratio", "0.6");
            final JsonNode alert = prometheus.awaitQuery(PAGE_ALERT, r -> true, WAIT);
            final String state = alert.get(0).get("metric").get("alertstate").asText();
            assertTrue(state.equals("pending") || state.equals("firing"), alert.toString());
            assertEquals("page", alert.get(0).get("metric").get("severity").asText(), alert.toString());
            System.out.println("BurnRateAlertIT: page alert " + state + " " +
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - burstStart) + " ms after the burst's demo was launched");

            final JsonNode alerts = JSON.readTree(ExternalProcess.get(prometheus.url() + "/api/v1/alerts").body()).at("/data/alerts");
            final List<JsonNode> pages = new ArrayList<>();
            alerts.forEach(a -> {
                if (a.at("/labels/alertname").asText().equals("HotpathSLOErrorBudgetBurnPage") && a.at("/labels/slo").asText().equals(SLO))
                {
                    pages.add(a);
                }
            });
            assertEquals(1, pages.size(), alerts.toString());
            assertTrue(List.of("pending", "firing").contains(pages.get(0).get("state").asText()), pages.toString());
            assertTrue(pages.get(0).at("/annotations/summary").asText().contains(SLO), pages.toString());
            assertTrue(pages.get(0).at("/annotations/runbook_url").asText().startsWith("https://"), pages.toString());
            // The alert's second pair (6x over 6h and 30m) may page first; the fast pair follows within seconds.
            prometheus.awaitQuery("hotpath:slo_error_ratio:rate5m{slo=\"" + SLO + "\"} > 0.144 and " +
                "hotpath:slo_error_ratio:rate1h{slo=\"" + SLO + "\"} > 0.144", r -> true, WAIT);
            prometheus.awaitQuery(PAGE_ALERT, r -> true, WAIT);

            // hotpathd's own page alert (1h/5m, 14.4x) agrees.
            awaitDaemonPage(daemon);
            burst.awaitSuccess(Duration.ofSeconds(60));
        }
    }

    private static void awaitDaemonPage(final DaemonProcess daemon) throws Exception
    {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode slo = null;
        while (System.nanoTime() < deadline)
        {
            for (final JsonNode candidate : JSON.readTree(ExternalProcess.get(daemon.url() + "/api/slos").body()).get("slos"))
            {
                if (candidate.get("name").asText().equals(SLO))
                {
                    slo = candidate;
                }
            }
            final JsonNode page = slo.get("alerts").get(0);
            if (page.get("alert").asText().equals("page") && page.get("active").asBoolean())
            {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("hotpathd's page alert did not become active: " + slo);
    }

    /** Every rule group loaded, every rule evaluated without error. */
    private static void assertRulesHealthy(final PrometheusServer prometheus) throws IOException
    {
        final JsonNode groups = JSON.readTree(ExternalProcess.get(prometheus.url() + "/api/v1/rules").body()).at("/data/groups");
        assertTrue(groups.size() >= 5, groups.toString());
        int rules = 0;
        for (final JsonNode group : groups)
        {
            for (final JsonNode rule : group.get("rules"))
            {
                rules++;
                assertEquals("ok", rule.get("health").asText(), rule.toString());
            }
        }
        assertTrue(rules > 40, rules + " rules");
    }

    private static long sum(final List<DemoProcess.ExactSeries> exact, final boolean errors)
    {
        return exact.stream().filter(s -> s.metric().equals("transport_send")).mapToLong(s -> errors ? s.errors() : s.count()).sum();
    }

    private static String java()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs a command to completion; fails unless it exits with 0. Returns its output. */
    private static String run(final List<String> command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), command + " did not finish");
        assertEquals(0, process.exitValue(), command + ":\n" + output);
        return output;
    }

    private static double value(final JsonNode result)
    {
        return Double.parseDouble(result.get(0).get("value").get(1).asText());
    }
}
