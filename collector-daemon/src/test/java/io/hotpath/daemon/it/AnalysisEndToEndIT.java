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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Issue 5's "done when", with every part real: the demo under the agent with an injected latency
 * spike and its injected errors, hotpathd with the demo SLO file, a real Prometheus scraping it.
 * <ul>
 *   <li>The spike raises exactly one event (the default {@code adaptive} detector) on the latency
 *       of each transport series (never missed: a busy host's stalls before it are attributed to a stall, not
 *       raised, so no cool-down swallows the spike), the three grouped into one incident, opened within seconds of the spike, seen in {@code /api/anomalies}
 *       and as {@code hotpath_anomalies_total} in Prometheus; no monitor raises more than one event
 *       during the run (not one per second). A real latency rise of a busy machine outside the spike may
 *       raise an event of its own: it is printed, not failed on.</li>
 *   <li>The demo's errors burn the SLO budgets: {@code /api/slos} counts exactly the demo's own calls
 *       and errors, its budget and burn rates follow from them, and Prometheus sees
 *       {@code hotpath_slo_error_budget_remaining_ratio} fall from 1.</li>
 * </ul>
 * The product's default anomaly settings (min_calls 20 with quiet seconds pooled, a 1 ms floor
 * under the latency spread, critical only when extreme, no throughput verdict once the demo's JVM
 * exited), with one change to keep the run about a minute: detector warm-up 20 values instead of 30.
 * So the run also checks that the defaults raise nothing but the spike: no event on the low-volume
 * p2p and migration series (a few calls a second, pooled), none on throughput when the demo stops,
 * none from the one-second p99 blips of a busy 2-core machine. The demo runs 15 driver threads at 30
 * iterations/s (an iteration makes three transport sends, 300 ms in the spike) so that the spike
 * does not also slow its throughput down. 30 calls a second per transport, not 20: at exactly min_calls
 * a jittery host's seconds of 19 calls give no value (pooled, then dropped by the busy second after), and
 * a transport short of its 20 warm-up values when the spike comes raises nothing (a CI run lost QUIC's so).
 *
 * <p>On a host so loaded that the demo's threads wait 100 ms for a CPU in many seconds anyway (load
 * 25+ on 2 cores), the spike is lost in the host's own noise for any detector: the test measures that
 * noise (the transports' 1-second p99 before the spike, from {@code /metrics/summary}) and is aborted,
 * with the figures, when its 90th percentile is half the spike or more. The spike's window follows the
 * demo's first calls, not its launch (its JVM may take 15 s to start on such a host).
 */
class AnalysisEndToEndIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SERVICE = "e2e-analysis";
    private static final long SPIKE_START_MILLIS = 30_000;
    private static final long SPIKE_LENGTH_MILLIS = 8_000;
    private static final long SPIKE_DELAY_MILLIS = 100;
    private static final Path SLO_FILE = Path.of("src/main/resources/examples/slo-demo.yaml").toAbsolutePath();

    @TempDir
    Path temp;

    @Test
    void aLatencySpikeIsOneEventPerDetectorAndTheDemosErrorsBurnTheBudget() throws Exception
    {
        assumeTrue(PrometheusServer.available(), "prometheus not installed");
        final Path spool = temp.resolve("spool");
        final Path results = temp.resolve("results.tsv");
        final Path config = Files.writeString(temp.resolve("hotpathd.yaml"), String.join("\n",
            "anomaly:",
            "  settings:",
            "    detectors:",
            "      adaptive: {warmup: 20}",
            "slo:",
            "  file: " + SLO_FILE,
            ""));
        try (DaemonProcess daemon = DaemonProcess.start(spool, temp.resolve("state"), temp.resolve("hotpathd.log"),
                "--config", config.toString());
             PrometheusServer prometheus = PrometheusServer.start(temp.resolve("prometheus"), List.of("127.0.0.1:" + daemon.port()), List.of()))
        {
            prometheus.awaitQuery("hotpath_slo_error_budget_remaining_ratio{slo=\"transport-send-success\"}", r -> value(r) == 1.0, WAIT);
            final long launched = System.currentTimeMillis();
            final DemoProcess demo = DemoProcess.start(spool, SERVICE, temp.resolve("demo.log"),
                "--duration", "44s", "--rate", "30", "--threads", "15", "--error-ratio", "0.1", "--spike-start", SPIKE_START_MILLIS + "ms",
                "--spike-length", SPIKE_LENGTH_MILLIS + "ms", "--spike-delay", SPIKE_DELAY_MILLIS + "ms", "--results", results.toString());

            // Watch /api/anomalies while the demo runs: when each event is first seen.
            final Map<Long, JsonNode> events = new TreeMap<>();
            final Map<Long, Long> firstSeen = new TreeMap<>();
            // And each second's p99 of each transport: how loud the host's own noise is beside the spike.
            final Map<String, TreeMap<Long, Double>> p99s = new TreeMap<>();
            final long watchUntil = launched + 44_000 + 30_000;
            while (demo.process().isAlive() && System.currentTimeMillis() < watchUntil)
            {
                collect(daemon, events, firstSeen);
                collectP99(daemon, p99s);
                Thread.sleep(250);
            }
            demo.awaitSuccess(Duration.ofSeconds(60));
            final long demoExited = System.currentTimeMillis();
            final List<DemoProcess.ExactSeries> exact = DemoProcess.exactResults(results);

            // Everything read: the daemon's counters equal the demo's.
            final long transportCalls = sum(exact, "transport_send", false);
            final long transportErrors = sum(exact, "transport_send", true);
            prometheus.awaitQuery("sum(hotpath_calls_total{service=\"" + SERVICE + "\",metric=\"transport_send\"})",
                r -> value(r) == transportCalls, WAIT);
            Thread.sleep(5_000); // long enough for a throughput drop at the demo's exit to have opened, were it raised
            collect(daemon, events, firstSeen);

            // 1. The spike: one event per latency detector per transport series, opened within seconds.
            // The demo's clock starts once its JVM is up: seconds after launch on a loaded machine, just before its
            // first calls (the first second with transport calls hotpathd closed; launch + 15 s if none was seen).
            final long firstCalls = p99s.values().stream().flatMap(m -> m.keySet().stream()).min(Long::compare)
                .orElse(launched + 15_000);
            final long spikeEarliest = launched + SPIKE_START_MILLIS;
            final long spikeLatest = Math.max(launched, firstCalls + 1_000) + SPIKE_START_MILLIS + 2_000;
            final Map<String, Integer> perMonitor = new TreeMap<>();
            final StringBuilder log = new StringBuilder();
            for (final JsonNode event : events.values())
            {
                final String monitor = event.get("series").asText() + " " + event.get("signal").asText() + " " +
                    event.get("detector").asText();
                perMonitor.merge(monitor, 1, Integer::sum);
                log.append(monitor).append(" ").append(event.get("severity").asText()).append(" start ")
                    .append(event.get("start_epoch_ms").asLong() - launched).append(" ms after launch, raised ")
                    .append(firstSeen.get(event.get("id").asLong()) - launched).append(" ms after launch, peak ")
                    .append(event.get("peak_score").asText()).append('\n');
            }
            System.out.println("AnalysisEndToEndIT: anomaly events (spike " + SPIKE_START_MILLIS + "-" +
                (SPIKE_START_MILLIS + SPIKE_LENGTH_MILLIS) + " ms after the demo's clock starts, first calls " + (firstCalls - launched)
                + " ms after launch), stalls " + json(daemon.url() + "/api/anomalies?limit=0").get("stalls") + ":\n" + log);
            // The spike adds 100 ms to every transport send. On a host so loaded that the demo's threads wait that
            // long for a CPU in many seconds anyway (load 25+ on 2 cores: 1-second p99s of 100-600 ms outside the
            // spike), no detector can tell the spike from the host's noise: the rest of the test needs a host on
            // which the transports' 1-second p99 before the spike stays under half the spike in 9 seconds of 10.
            // (Before launch + 30 s: the demo's clock starts between its launch and its first calls hotpathd sees,
            // 2 s before them at times: its spike too.)
            final double noise = noiseBeforeSpike(p99s, launched + SPIKE_START_MILLIS - 1_000);
            System.out.println("AnalysisEndToEndIT: the transports' 1-second p99 before the spike, 90th percentile: "
                + Math.round(noise * 1000) + " ms");
            assumeTrue(noise < SPIKE_DELAY_MILLIS / 2e3, "the host's noise hides a " + SPIKE_DELAY_MILLIS
                + " ms spike: 1-second p99 before it " + Math.round(noise * 1000) + " ms (90th percentile)\n" + log);
            // A busy machine can raise a real latency rise of its own (a p99 blip of a few seconds) besides the
            // injected spike: such events are shown above, not failed on. What must hold: no monitor flaps (one
            // event per second), and nothing is raised on throughput when the demo exits (its JVM is gone).
            perMonitor.forEach((monitor, count) -> assertTrue(count <= 1, monitor + " raised " + count + " events:\n" + log));
            for (final JsonNode event : events.values())
            {
                assertTrue(!event.get("signal").asText().equals("throughput") || event.get("start_epoch_ms").asLong() < demoExited - 2_000,
                    "a throughput event at the demo's exit: " + event + "\n" + log);
            }
            final Set<Long> spikeEventIds = new TreeSet<>();
            for (final String transport : new String[] { "QUIC", "BITCHAT", "BETANET" })
            {
                final String series = SERVICE + "/transport_send{kind=\"transport\",app=\"demo\",transport=\"" + transport + "\"}";
                for (final String detector : new String[] { "adaptive" })
                {
                    // The spike's event: the one whose run includes the injected seconds. An event starts at the
                    // first second of the run that opened it: a second or two above `enter` just before the spike
                    // (a busy machine) joins the spike's run. Exactly one per detector: not one per second.
                    final List<JsonNode> inSpike = events.values().stream()
                        .filter(e -> e.get("series").asText().equals(series) && e.get("signal").asText().equals("latency_p99") &&
                            e.get("detector").asText().equals(detector))
                        .filter(e -> e.get("start_epoch_ms").asLong() >= spikeEarliest - 3_000 &&
                            e.get("start_epoch_ms").asLong() <= spikeLatest + SPIKE_LENGTH_MILLIS)
                        .toList();
                    // Exactly one event for the spike per transport (never one per second, never missed): the warm-up
                    // starts from the median and MAD of its first values (the demo JVM's first noisy seconds do not set
                    // the spread), and a stall of the busy host before the spike is attributed to it, not raised (its
                    // cool-down would swallow the spike).
                    assertEquals(1, inSpike.size(), detector + " events on " + series + " in the spike:\n" + log);
                    final JsonNode event = inSpike.get(0);
                    spikeEventIds.add(event.get("id").asLong());
                    final long start = event.get("start_epoch_ms").asLong();
                    final long raised = firstSeen.get(event.get("id").asLong());
                    assertTrue(raised - start <= 15_000, detector + " on " + transport + " raised " + (raised - start) +
                        " ms after its first anomalous second:\n" + log);
                    final String selector = "service=\"" + SERVICE + "\",metric=\"transport_send\",transport=\"" + transport +
                        "\",signal=\"latency_p99\",detector=\"" + detector + "\"";
                    // Counted in Prometheus: the spike's event, plus any load-caused one shown above.
                    final long monitorEvents = perMonitor.get(series + " latency_p99 " + detector);
                    prometheus.awaitQuery("sum(hotpath_anomalies_total{" + selector + "})", r -> value(r) == monitorEvents, WAIT);
                }
            }

            assertEquals(3, spikeEventIds.size(), "the spike caught on every transport:\n" + log);

            // The three transports' events started together: one incident holds all three spike events (a
            // load-caused event elsewhere, printed above, may form an incident of its own).
            final JsonNode incidents = json(daemon.url() + "/api/anomalies?limit=1000").get("incidents");
            int holding = 0;
            for (final JsonNode incident : incidents)
            {
                final Set<Long> members = new HashSet<>();
                incident.get("members").forEach(m -> members.add(m.get("event_id").asLong()));
                if (members.containsAll(spikeEventIds))
                {
                    holding++;
                }
            }
            assertEquals(1, holding, "one incident with the transports' spike events " + spikeEventIds + ": " + incidents);

            // 2. The SLOs: exact events from the demo's own counts, budgets and burn rates that follow.
            final JsonNode slos = json(daemon.url() + "/api/slos");
            final Map<String, JsonNode> byName = new LinkedHashMap<>();
            slos.get("slos").forEach(slo -> byName.put(slo.get("name").asText(), slo));
            assertSuccessSlo(byName.get("transport-send-success"), transportCalls, transportErrors, 0.99);
            assertTrue(transportErrors > 0, "the demo injected transport errors");
            final long connectErrors = sum(exact, "p2p_connect", true);
            assertSuccessSlo(byName.get("p2p-connect-success"), sum(exact, "p2p_connect", false), connectErrors, 0.999);
            assertTrue(connectErrors > 0, "the demo connected to its offline peer");
            // About 66 migrations at 10 %: no error at all is possible (1 %), and then the budget must be whole.
            assertSuccessSlo(byName.get("vm-migrate-success"), sum(exact, "vm_migrate", false), sum(exact, "vm_migrate", true), 0.99);
            final JsonNode ticket = byName.get("transport-send-success").get("alerts").get(2);
            assertEquals("ticket", ticket.get("alert").asText());
            assertTrue(ticket.get("active").asBoolean(), "10 % errors burn a 1 % budget 10x, over the 3x ticket factor: " + ticket);

            final double remaining = byName.get("transport-send-success").at("/error_budget/remaining_ratio").asDouble();
            prometheus.awaitQuery("hotpath_slo_error_budget_remaining_ratio{slo=\"transport-send-success\"}",
                r -> Math.abs(value(r) - remaining) < 1e-9, WAIT);
            prometheus.awaitQuery("max_over_time(hotpath_slo_error_budget_remaining_ratio{slo=\"transport-send-success\"}[5m])",
                r -> value(r) == 1.0, WAIT);
            prometheus.awaitQuery("hotpath_slo_burn_rate{slo=\"transport-send-success\",window=\"5m\"}", r -> value(r) > 3, WAIT);
        }
    }

    private static void assertSuccessSlo(final JsonNode slo, final long calls, final long errors, final double target)
    {
        assertEquals(calls - errors, slo.at("/events/good").asLong(), slo.get("name") + " good events");
        assertEquals(errors, slo.at("/events/bad").asLong(), slo.get("name") + " bad events");
        final double burn = (double)errors / calls / (1 - target);
        assertEquals(1 - burn, slo.at("/error_budget/remaining_ratio").asDouble(), 1e-9, slo.toString());
        final JsonNode fiveMinutes = slo.get("windows").get(0);
        assertEquals("5m", fiveMinutes.get("window").asText());
        assertEquals(burn, fiveMinutes.get("burn_rate").asDouble(), 1e-9, slo.toString());
    }

    private static long sum(final List<DemoProcess.ExactSeries> exact, final String metric, final boolean errors)
    {
        return exact.stream().filter(s -> s.metric().equals(metric)).mapToLong(s -> errors ? s.errors() : s.count()).sum();
    }

    private static void collect(final DaemonProcess daemon, final Map<Long, JsonNode> events, final Map<Long, Long> firstSeen)
        throws Exception
    {
        final JsonNode anomalies = json(daemon.url() + "/api/anomalies?limit=1000");
        final long now = System.currentTimeMillis();
        final List<JsonNode> all = new ArrayList<>();
        anomalies.get("active").forEach(all::add);
        anomalies.get("recent").forEach(all::add);
        for (final JsonNode event : all)
        {
            final long id = event.get("id").asLong();
            events.put(id, event);
            firstSeen.putIfAbsent(id, now);
        }
    }

    /** Adds the last closed second's p99 of every transport series to {@code p99s} (series → second → seconds). */
    private static void collectP99(final DaemonProcess daemon, final Map<String, TreeMap<Long, Double>> p99s) throws Exception
    {
        for (final JsonNode series : json(daemon.url() + "/metrics/summary").get("series"))
        {
            final JsonNode last = series.get("last1s");
            if (series.get("series").asText().contains("transport_send") && last.get("count").asLong() > 0)
            {
                p99s.computeIfAbsent(series.get("series").asText(), k -> new TreeMap<>())
                    .put(last.get("startEpochMillis").asLong(), last.get("quantileSeconds").get("0.99").asDouble());
            }
        }
    }

    /**
     * The 90th percentile of the transports' 1-second p99s (seconds) from 5 s after the first calls (the JVM's
     * own start-up) to {@code before}; 0 when none was seen (nothing to judge the host by: the test goes on).
     */
    private static double noiseBeforeSpike(final Map<String, TreeMap<Long, Double>> p99s, final long before)
    {
        final List<Double> values = new ArrayList<>();
        for (final TreeMap<Long, Double> seconds : p99s.values())
        {
            final long first = seconds.firstKey();
            seconds.forEach((second, p99) ->
            {
                if (second >= first + 5_000 && second < before)
                {
                    values.add(p99);
                }
            });
        }
        if (values.isEmpty())
        {
            return 0;
        }
        values.sort(Double::compare);
        return values.get((int)Math.floor(0.9 * (values.size() - 1)));
    }

    private static JsonNode json(final String url) throws Exception
    {
        return JSON.readTree(ExternalProcess.get(url).body());
    }

    private static double value(final JsonNode result)
    {
        return Double.parseDouble(result.get(0).get("value").get(1).asText());
    }
}
