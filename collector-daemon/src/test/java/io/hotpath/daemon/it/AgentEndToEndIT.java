package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotpath.daemon.aggregate.HistogramLayout;
import io.hotpath.daemon.testkit.DaemonProcess;
import io.hotpath.daemon.testkit.DemoProcess;
import io.hotpath.daemon.testkit.PrometheusServer;
import io.hotpath.daemon.testkit.SpoolContents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.ArrayList;
import java.util.TreeMap;

/**
 * Issue 4's "done when", with every part real: the demo service under {@code -javaagent:hotpath-agent.jar}
 * with the demo rules, {@code java -jar hotpathd.jar} tailing the same spool, and a real Prometheus
 * scraping hotpathd every second. Through Prometheus' HTTP API:
 * <ul>
 *   <li>{@code hotpath_calls_total} of every series (all outcomes, and errors) equals the demo's own
 *       exact counts ({@code --results});</li>
 *   <li>the 1m-window p50/p95/p99 are exactly HdrHistogram's value (highest equivalent value, 3
 *       significant digits: within 0.1 %) of the exact nearest-rank percentile of the durations the
 *       agent wrote (read back from the spool independently of the daemon);</li>
 *   <li>and, for the synchronous calls, within 1 % of the demo's own exact percentile (issue 6's
 *       target) and never below it: the demo times each instrumented method inside its body
 *       ({@code lastCallNanos()}), so its timed region lies inside the agent's, which adds only two
 *       {@code nanoTime} reads and a field store to it.</li>
 * </ul>
 * The printed table shows how far apart they are (see benchmarks/README.md, "Accuracy").
 */
class AgentEndToEndIT
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final double[] QUANTILES = { 0.5, 0.95, 0.99 };
    private static final String SERVICE = "e2e-demo";

    @TempDir
    Path temp;

    @Test
    void countsAndWindowPercentilesInPrometheusMatchTheDemo() throws Exception
    {
        assumeTrue(PrometheusServer.available(), "prometheus not installed");
        final Path spool = temp.resolve("spool");
        final Path results = temp.resolve("results.tsv");
        try (DaemonProcess daemon = DaemonProcess.start(spool, temp.resolve("state"), temp.resolve("hotpathd.log"));
             PrometheusServer prometheus = PrometheusServer.start(temp.resolve("prometheus"), List.of("127.0.0.1:" + daemon.port()), List.of()))
        {
            // early compilation: a 15 s run is a long-running service's steady state, not its interpreter
            // (see benchmarks/README.md, "Accuracy")
            final DemoProcess demo = DemoProcess.start(spool, SERVICE, temp.resolve("demo.log"), List.of("-XX:CompileThresholdScaling=0.05"),
                "--duration", "15s", "--error-ratio", "0.02", "--results", results.toString());
            demo.awaitSuccess(Duration.ofSeconds(60));
            final List<DemoProcess.ExactSeries> exact = DemoProcess.exactResults(results);
            assertEquals(10, exact.size(), "the demo's series: 3 transports, 3 p2p, 3 migration routes, placement");
            final SpoolContents written = SpoolContents.read(spool);

            final StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%-55s %7s %5s  %-4s %12s %12s %12s %8s%n", "series", "calls", "err", "q", "demo ns", "agent ns", "hotpathd ns",
                "vs demo"));
            double worstVsDemo = 0;
            final List<String> failures = new ArrayList<>();
            for (final DemoProcess.ExactSeries series : exact)
            {
                final String key = key(series);
                assertEquals(series.count(), written.count(key), key + ": the agent wrote every call");
                final String selector = selector(series);
                prometheus.awaitQuery("sum(hotpath_calls_total{" + selector + "})", r -> value(r) == series.count(), WAIT);
                if (series.errors() > 0)
                {
                    prometheus.awaitQuery("sum(hotpath_calls_total{" + selector + ",outcome=\"error\"})",
                        r -> value(r) == series.errors(), WAIT);
                }
                else
                {
                    assertEquals(0, prometheus.query("hotpath_calls_total{" + selector + ",outcome=\"error\"}").size(), key);
                }
                final long[] demoQuantiles = { series.p50Nanos(), series.p95Nanos(), series.p99Nanos() };
                for (int q = 0; q < QUANTILES.length; q++)
                {
                    final long agentExact = written.quantile(key, QUANTILES[q]);
                    final double expected = HistogramLayout.highestValue(HistogramLayout.index(agentExact)) / 1e9;
                    final JsonNode result = prometheus.awaitQuery("hotpath_duration_quantile_seconds{" + selector +
                        ",window=\"1m\",quantile=\"" + QUANTILES[q] + "\"}", r -> Math.abs(value(r) - expected) < 1e-12, WAIT);
                    final double daemonNanos = value(result) * 1e9;
                    assertTrue(daemonNanos >= agentExact && daemonNanos <= agentExact * (1 + 1.0 / 1024) + 1,
                        key + " q" + QUANTILES[q] + ": within HdrHistogram's 3 significant digits of the agent's exact value");
                    if (!series.metric().equals("job_placement"))
                    {
                        // Synchronous calls: the demo's timed region is inside the agent's, and adds only tens of ns.
                        // (The async placement is timed by the demo and the agent with two different completion
                        // callbacks, which run in either order, on either thread: not like for like.)
                        if (daemonNanos < demoQuantiles[q] || daemonNanos - demoQuantiles[q] > 0.01 * demoQuantiles[q])
                        {
                            failures.add(key + " q" + QUANTILES[q] + ": " + daemonNanos + " ns not within [0, +1 %] of the demo's own " +
                                demoQuantiles[q]);
                        }
                    }
                    final double vsDemo = daemonNanos / demoQuantiles[q] - 1;
                    worstVsDemo = Math.max(worstVsDemo, Math.abs(vsDemo));
                    table.append(String.format(Locale.ROOT, "%-55s %7d %5d  p%-3s %12d %12d %12.0f %+7.2f%%%n", key,
                        series.count(), series.errors(), (int)Math.round(QUANTILES[q] * 100), demoQuantiles[q], agentExact,
                        daemonNanos, vsDemo * 100));
                }
            }
            System.out.println("AgentEndToEndIT: hotpathd (via Prometheus, window 1m) vs the demo's and the agent's exact " +
                "percentiles; largest gap to the demo " + String.format(Locale.ROOT, "%.2f %%", worstVsDemo * 100) + "\n" + table);
            assertTrue(failures.isEmpty(), String.join("\n", failures));
        }
    }

    /** The demo's key, {@code metric{k="v",…}} with sorted label names. */
    private static String key(final DemoProcess.ExactSeries series)
    {
        if (series.labels().isEmpty())
        {
            return series.metric();
        }
        final StringBuilder key = new StringBuilder(series.metric()).append('{');
        new TreeMap<>(series.labels()).forEach((k, v) -> key.append(k).append("=\"").append(v).append("\","));
        key.setLength(key.length() - 1);
        return key.append('}').toString();
    }

    private static String selector(final DemoProcess.ExactSeries series)
    {
        final StringBuilder selector = new StringBuilder("service=\"" + SERVICE + "\",metric=\"" + series.metric() + "\"");
        for (final Map.Entry<String, String> label : series.labels().entrySet())
        {
            selector.append(',').append(label.getKey()).append("=\"").append(label.getValue()).append('"');
        }
        return selector.toString();
    }

    private static double value(final JsonNode result)
    {
        return Double.parseDouble(result.get(0).get("value").get(1).asText());
    }
}
