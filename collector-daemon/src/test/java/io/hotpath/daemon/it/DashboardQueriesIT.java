package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotpath.daemon.Daemon;
import io.hotpath.daemon.config.DaemonConfig;
import io.hotpath.daemon.rules.DashboardGenerator;
import io.hotpath.daemon.testkit.ExternalProcess;
import io.hotpath.daemon.testkit.PrometheusServer;
import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.MetricKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every query of every generated dashboard, the per-service ones made from a running daemon's
 * series included, runs against a real Prometheus that scraped that daemon: each parses and
 * evaluates, and the per-service panels and variables return the service's own label values.
 */
class DashboardQueriesIT
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void everyDashboardQueryRunsAndServicePanelsKeepTheRuleLabels() throws Exception
    {
        assumeTrue(PrometheusServer.available(), "prometheus not installed");
        final Path spool = temp.resolve("spool");
        try (TestQueueWriter writer = TestQueueWriter.create(spool, "shop", System.currentTimeMillis()))
        {
            writer.defineSeries(1, MetricKind.CUSTOM, "checkout", "region", "eu", "tier", "gold");
            writer.defineSeries(2, MetricKind.CUSTOM, "checkout", "region", "us", "tier", "free");
            writer.defineErrorType(1, "java.io.IOException");
            final long now = System.currentTimeMillis() * 1_000_000L;
            writer.writeBatch(new int[] { 1, 1, 2, 2 }, new long[] { now, now, now, now },
                new long[] { 2_000_000L, 30_000_000L, 4_000_000L, 7_000_000L }, new int[] { 0, 0, 1, 0 }, 100);
        }
        final DaemonConfig config = new DaemonConfig();
        config.setListen("127.0.0.1:0");
        config.getSpool().setDir(spool.toString());
        config.getState().setDir(temp.resolve("state").toString());
        final Daemon daemon = new Daemon(config);
        daemon.start();
        try (PrometheusServer prometheus = PrometheusServer.start(temp.resolve("prometheus"),
            List.of("127.0.0.1:" + daemon.address().getPort()), List.of()))
        {
            final String base = "http://127.0.0.1:" + daemon.address().getPort();
            JsonNode series = JSON.readTree(ExternalProcess.get(base + "/api/series").body());
            for (int i = 0; i < 100 && series.path("series").size() < 2; i++)
            {
                Thread.sleep(200);
                series = JSON.readTree(ExternalProcess.get(base + "/api/series").body());
            }
            final Map<String, ObjectNode> perService = new DashboardGenerator().perService(series);
            assertEquals(List.of("hotpath-service-shop.json"), List.copyOf(perService.keySet()));
            final ObjectNode shop = perService.get("hotpath-service-shop.json");
            final List<String> variables = new ArrayList<>();
            shop.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
            assertEquals(List.of("datasource", "metric", "region", "tier"), variables, "a variable for every rule label");

            prometheus.awaitQuery("hotpath_calls_total{service=\"shop\"}", r -> r.size() >= 2, Duration.ofSeconds(60));
            Thread.sleep(3000); // a few scrapes, so that rate() has two points

            int latencyWithExemplars = 0;
            final List<String> failures = new ArrayList<>();
            final Map<String, ObjectNode> all = new LinkedHashMap<>(new DashboardGenerator().generate());
            all.putAll(perService);
            for (final Map.Entry<String, ObjectNode> dashboard : all.entrySet())
            {
                for (final JsonNode panel : dashboard.getValue().path("panels"))
                {
                    for (final JsonNode target : panel.path("targets"))
                    {
                        final String expr = concrete(target.path("expr").asText());
                        try
                        {
                            final JsonNode result = prometheus.query(expr);
                            if (dashboard.getKey().equals("hotpath-service-shop.json") && panel.path("title").asText().matches("Calls.*|p99 latency \\(hist.*"))
                            {
                                assertTrue(result.size() == 2, panel.path("title") + ": one line per region/tier: " + result);
                                for (final JsonNode line : result)
                                {
                                    assertTrue(line.path("metric").has("region") && line.path("metric").has("tier"), line.toString());
                                }
                            }
                        }
                        catch (final IOException | AssertionError e)
                        {
                            failures.add(dashboard.getKey() + " / " + panel.path("title").asText() + ": " + expr + ": " + e.getMessage());
                        }
                        if (expr.contains("histogram_quantile") && target.path("exemplar").asBoolean())
                        {
                            latencyWithExemplars++;
                        }
                    }
                }
                for (final JsonNode variable : dashboard.getValue().path("templating").path("list"))
                {
                    final String query = variable.path("definition").asText();
                    final Matcher labelValues = Pattern.compile("label_values\\((.*), (\\w+)\\)").matcher(query);
                    if (labelValues.matches())
                    {
                        final String expr = "count by (" + labelValues.group(2) + ") (" + concrete(labelValues.group(1)) + ")";
                        try
                        {
                            final JsonNode values = prometheus.query(expr);
                            if (dashboard.getKey().equals("hotpath-service-shop.json"))
                            {
                                assertFalse(values.isEmpty(), "variable " + variable.path("name") + " has values");
                            }
                        }
                        catch (final IOException | AssertionError e)
                        {
                            failures.add(dashboard.getKey() + " / variable " + variable.path("name").asText() + ": " + expr + ": " + e.getMessage());
                        }
                    }
                }
            }
            assertEquals(List.of(), failures);
            assertTrue(latencyWithExemplars >= 5, "latency panels carry exemplars: " + latencyWithExemplars);
        }
        finally
        {
            daemon.stop();
        }
    }

    /** Grafana's variables as the dashboard's "All": every value; the rate interval as Grafana picks it for a short range. */
    private static String concrete(final String expr)
    {
        return expr.replace("$__rate_interval", "1m").replaceAll("\\$\\w+", ".*");
    }
}
