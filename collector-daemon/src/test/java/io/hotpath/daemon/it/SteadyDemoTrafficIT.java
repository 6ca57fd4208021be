package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.daemon.testkit.DaemonProcess;
import io.hotpath.daemon.testkit.DemoProcess;
import io.hotpath.daemon.testkit.ExternalProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's "0 events in steady demo traffic", shortened: the demo as {@code ./demo.sh} runs it (200
 * iterations/s on 2 threads, 2 % errors) but without its spike, for 150 s under the agent, watched by
 * hotpathd with the <em>built-in</em> anomaly settings (no override: the warm-up, floors and
 * thresholds users get). Every series is past its warm-up for about two minutes, so each of its
 * monitors has given some 120 verdicts (about 3,600 in all): none may open an event, except when the
 * host itself stalled. A shared 2-core CI machine does stall (other builds): every JVM on it, the
 * demo's included, gets no CPU for a while, so the demo's p99 really rises and its closed loop really
 * slows. A probe thread in this test measures those stalls (a 20 ms sleep that wakes over 150 ms late);
 * an event starting within a few seconds of one is printed as the host's, not failed on. Every other
 * event fails the test. The demo's exit at the end is no event either (its JVM is gone: no throughput
 * verdict). The 10-minute figure is measured by hand (benchmarks/RESULTS-detect.md).
 */
class SteadyDemoTrafficIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEMO_SECONDS = 150;

    @TempDir
    Path temp;

    @Test
    void steadyDemoTrafficOpensNoAnomalyEvent() throws Exception
    {
        final Path spool = temp.resolve("spool");
        try (DaemonProcess daemon = DaemonProcess.start(spool, temp.resolve("state"), temp.resolve("hotpathd.log"));
             DemoProcess demo = DemoProcess.start(spool, "steady", temp.resolve("demo.log"),
                 "--duration", DEMO_SECONDS + "s", "--rate", "200", "--threads", "2", "--error-ratio", "0.02",
                 "--results", temp.resolve("results.tsv").toString()))
        {
            final StallProbe stalls = new StallProbe();
            stalls.start();
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
            stalls.interrupt();

            // The run was real: the demo's traffic reached the detectors, on all its series.
            assertTrue(calls > 100L * DEMO_SECONDS, "the demo made " + calls + " transport sends");
            assertTrue(watched >= 10, "series watched: " + watched);
            final List<String> hosts = new ArrayList<>();
            final List<String> others = new ArrayList<>();
            for (final JsonNode event : events.values())
            {
                final long start = event.get("start_epoch_ms").asLong();
                (stalls.near(start - 3_000, start + 3_000) ? hosts : others).add(event.toString());
            }
            System.out.println("SteadyDemoTrafficIT: " + events.size() + " events, " + hosts.size() + " at host stalls "
                + stalls.stalls + ":\n" + String.join("\n", hosts));
            assertTrue(others.isEmpty(), "anomaly events in steady traffic, no host stall near them:\n" + String.join("\n", others)
                + "\nhost stalls (wake-up epoch ms=late ms): " + stalls.stalls);
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

    /** Sleeps 20 ms in a loop; a wake-up over 150 ms late is a host stall (kept as wake-up time → lateness). */
    private static final class StallProbe extends Thread
    {
        final Map<Long, Long> stalls = new java.util.concurrent.ConcurrentSkipListMap<>();

        StallProbe()
        {
            super("stall-probe");
            setDaemon(true);
        }

        @Override
        public void run()
        {
            while (!isInterrupted())
            {
                final long before = System.nanoTime();
                try
                {
                    Thread.sleep(20);
                }
                catch (final InterruptedException e)
                {
                    return;
                }
                final long lateMillis = (System.nanoTime() - before) / 1_000_000 - 20;
                if (lateMillis > 150)
                {
                    stalls.put(System.currentTimeMillis(), lateMillis);
                }
            }
        }

        /** A stall overlapping [from, to] (epoch ms). */
        boolean near(final long from, final long to)
        {
            return stalls.entrySet().stream().anyMatch(e -> e.getKey() >= from && e.getKey() - e.getValue() <= to);
        }
    }

    private static JsonNode json(final String url) throws Exception
    {
        return JSON.readTree(ExternalProcess.get(url).body());
    }
}
