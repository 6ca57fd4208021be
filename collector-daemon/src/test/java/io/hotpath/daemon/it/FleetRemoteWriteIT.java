package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotpath.daemon.Daemon;
import io.hotpath.daemon.config.ConfigLoader;
import io.hotpath.daemon.config.DaemonConfig;
import io.hotpath.daemon.testkit.DaemonProcess;
import io.hotpath.daemon.testkit.PrometheusServer;
import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.MetricKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.hotpath.daemon.aggregate.AggregationSettings;

/**
 * A fleet writing to a real receiver: Debian's Prometheus 2.42 with
 * {@code --web.enable-remote-write-receiver --enable-feature=native-histograms}, and
 * {@value #HOSTS} hosts, each a complete hotpathd (spool → tail → aggregate → remote_write) with its
 * own spool and its own latency distribution — {@value #HOSTS} - 1 in this JVM, one a real
 * {@code hotpathd} process. The test keeps every raw sample.
 *
 * <ol>
 *   <li>Fleet accuracy: {@code histogram_quantile(0.99, sum(rate(hotpath_duration_seconds[1m])))}
 *       (evaluated when the window holds every host's points from before the measured samples on)
 *       from Prometheus' HTTP API is within 1 % of the exact p99 of all raw samples merged.</li>
 *   <li>Receiver outage of the 60 s ({@code -Dfleet.outage.seconds=N} to change it): the hosts keep
 *       recording; the hotpathd process is
 *       {@code kill -9}ed and restarted in the middle of it. Once Prometheus is back every host's
 *       {@code histogram_count} and {@code hotpath_calls_total} equal what was written (nothing
 *       lost, nothing twice) and the in-process hosts have a point for every second of the outage.</li>
 * </ol>
 */
class FleetRemoteWriteIT
{
    private static final int HOSTS = 20;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int OUTAGE_SECONDS = Integer.getInteger("fleet.outage.seconds", 60);

    @TempDir
    Path temp;

    private final List<Host> hosts = new ArrayList<>();

    /** One simulated host: its spool, its writer, its daemon (in-process or a process), its samples. */
    private final class Host
    {
        final String name;
        final Path spool;
        final Path state;
        final TestQueueWriter writer;
        final Random random;
        final double medianNanos;
        final double sigma;
        final boolean bimodal;
        Daemon daemon;
        DaemonProcess process;
        long written;
        long[] kept = new long[0];
        int keptCount;

        Host(final int index) throws Exception
        {
            name = "host-" + index;
            spool = temp.resolve(name).resolve("spool");
            state = temp.resolve(name).resolve("state");
            writer = TestQueueWriter.create(spool, "svc", System.currentTimeMillis() - index);
            writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "quic");
            random = new Random(1000 + index);
            medianNanos = 300_000 * (1 + 0.35 * index);
            sigma = 0.25 + 0.1 * (index % 6);
            bimodal = index % 4 == 3;
        }

        long nextDuration()
        {
            double value = medianNanos * Math.exp(sigma * random.nextGaussian());
            if (bimodal && random.nextDouble() < 0.08)
            {
                value *= 15;
            }
            return Math.max(1000, (long)value);
        }

        /** Writes {@code n} samples ending now; keeps them when {@code keep}. */
        void write(final int n, final boolean keep)
        {
            final int[] ids = new int[n];
            final long[] ends = new long[n];
            final long[] durations = new long[n];
            final long now = System.currentTimeMillis() * 1_000_000L;
            Arrays.fill(ids, 1);
            Arrays.fill(ends, now);
            for (int i = 0; i < n; i++)
            {
                durations[i] = nextDuration();
            }
            writer.writeBatch(ids, ends, durations, null, 0);
            written += n;
            if (keep)
            {
                if (kept.length < keptCount + n)
                {
                    kept = Arrays.copyOf(kept, Math.max(kept.length * 2, keptCount + n));
                }
                System.arraycopy(durations, 0, kept, keptCount, n);
                keptCount += n;
            }
        }
    }

    @Test
    void fleetPercentilesAreExactAndSurviveAnOutageAndAKill() throws Exception
    {
        assumeTrue(PrometheusServer.available(), "prometheus not installed");
        final List<String> receiverFlags = List.of("--web.enable-remote-write-receiver", "--enable-feature=native-histograms");
        PrometheusServer prometheus = PrometheusServer.start(temp.resolve("prometheus"), List.of(), List.of(), receiverFlags);
        final int port = prometheus.port();
        final String url = "http://127.0.0.1:" + port + "/api/v1/write";
        try
        {
            for (int i = 0; i < HOSTS; i++)
            {
                final Host host = new Host(i);
                hosts.add(host);
                final String yaml = "remote-write:\n  - url: " + url + "\n    external-labels: { instance: " + host.name + " }\n" +
                    "    max-backoff: 2s\n";
                if (i == 0)
                {
                    final Path config = temp.resolve(host.name).resolve("hotpathd.yaml");
                    Files.writeString(config, yaml);
                    host.process = DaemonProcess.start(host.spool, host.state, temp.resolve(host.name).resolve("hotpathd.log"),
                        "--config", config.toString());
                }
                else
                {
                    final DaemonConfig config = ConfigLoader.parse(yaml, host.name);
                    config.setListen("127.0.0.1:0");
                    config.getSpool().setDir(host.spool.toString());
                    config.getState().setDir(host.state.toString());
                    config.getAnomaly().setEnabled(false);
                    host.daemon = new Daemon(config);
                    host.daemon.start();
                }
            }

            // Phase A: one sample per host, so every series has a point before the measured samples.
            for (final Host host : hosts)
            {
                host.write(1, false);
            }
            awaitCounts(prometheus, "phase A");
            final long phaseA = System.currentTimeMillis();
            // The 1m window read below must start after every host's first point (so rate() extrapolates
            // every host alike: same second-aligned timestamps) and before phase B's first sample.
            Thread.sleep(50_000);

            // Phase B: the measured samples, ~15 s, all inside one 1m window with phase A points before them.
            final long phaseB = System.currentTimeMillis();
            for (int batch = 0; batch < 6; batch++)
            {
                for (final Host host : hosts)
                {
                    host.write(1000, true);
                }
                Thread.sleep(2000);
            }
            awaitCounts(prometheus, "phase B");
            Thread.sleep(Math.max(0, phaseA + 62_000 - System.currentTimeMillis()));
            final double evalTime = Math.floor(System.currentTimeMillis() / 1000.0) + 2.5;
            Thread.sleep(3000);
            assertTrue(evalTime - 60 > phaseA / 1000.0 + 1 && evalTime - 60 < phaseB / 1000.0 - 1,
                "the 1m window must hold every host's points before phase B (machine too slow?): " +
                (evalTime - phaseA / 1000.0) + " s after phase A, " + (evalTime - phaseB / 1000.0) + " s after phase B started");
            final long[] all = merged();
            final double exact = all[(int)Math.ceil(0.99 * all.length) - 1] / 1e9;
            final JsonNode fleet = prometheus.query(
                "histogram_quantile(0.99, sum(rate(hotpath_duration_seconds[1m])))", evalTime);
            final double native99 = value(fleet);
            final double error = (native99 - exact) / exact;
            final double classic99 = classicQuantile(0.99, all);
            System.out.printf(Locale.ROOT, "fleet p99: Prometheus (native) %.6f s, exact %.6f s (%d samples, %d hosts): error %+.3f %%;"
                + " classic 16 default buckets would give %.6f s (%+.2f %%)%n",
                native99, exact, all.length, HOSTS, error * 100, classic99, (classic99 - exact) / exact * 100);
            final JsonNode classic = prometheus.query("hotpath_calls_total", evalTime);
            assertEquals(HOSTS, classic.size(), "every host wrote: " + classic);
            assertTrue(Math.abs(error) < 0.01, "fleet p99 " + native99 + " vs exact " + exact);

            // Outage: Prometheus stops, hosts keep recording, the hotpathd process is killed -9 and restarted.
            prometheus.terminate(Duration.ofSeconds(30));
            final long outageStart = System.currentTimeMillis();
            final Host process = hosts.get(0);
            boolean killed = false;
            while (System.currentTimeMillis() - outageStart < OUTAGE_SECONDS * 1000L)
            {
                for (final Host host : hosts)
                {
                    host.write(200, false);
                }
                if (!killed && System.currentTimeMillis() - outageStart > OUTAGE_SECONDS * 500L)
                {
                    Thread.sleep(1500); // a checkpoint or two after the last batch, and samples read but not checkpointed
                    process.write(300, false);
                    Thread.sleep(300);
                    process.process.kill();
                    process.process = DaemonProcess.start(process.spool, process.state,
                        temp.resolve(process.name).resolve("hotpathd-2.log"), "--config",
                        temp.resolve(process.name).resolve("hotpathd.yaml").toString());
                    killed = true;
                }
                Thread.sleep(2000);
            }
            final long outageEnd = System.currentTimeMillis();
            prometheus = PrometheusServer.start(temp.resolve("prometheus"), port, List.of(), List.of(), receiverFlags);
            awaitCounts(prometheus, "after the outage");
            for (final Host host : hosts)
            {
                prometheus.awaitQuery("sum(hotpath_calls_total{instance=\"" + host.name + "\"})",
                    r -> value(r) == host.written, WAIT);
            }
            // No gap: a point for (nearly) every second of the outage from every in-process host.
            final long seconds = (outageEnd - outageStart) / 1000 - 2;
            final double at = outageEnd / 1000.0 - 1;
            for (final Host host : hosts.subList(1, hosts.size()))
            {
                final JsonNode points = prometheus.query("count_over_time(hotpath_calls_total{instance=\"" + host.name + "\"}[" +
                    seconds + "s])", at);
                assertTrue(value(points) >= seconds * 0.9, host.name + ": " + value(points) + " points in " + seconds + " s of outage");
            }
        }
        finally
        {
            for (final Host host : hosts)
            {
                if (host.daemon != null)
                {
                    host.daemon.stop();
                }
                if (host.process != null)
                {
                    host.process.close();
                }
                host.writer.close();
            }
            prometheus.close();
        }
    }

    /** Waits until every host's native histogram count in Prometheus equals the samples written to it. */
    private void awaitCounts(final PrometheusServer prometheus, final String phase) throws Exception
    {
        for (final Host host : hosts)
        {
            try
            {
                prometheus.awaitQuery("histogram_count(hotpath_duration_seconds{instance=\"" + host.name + "\"})",
                    r -> value(r) == host.written, WAIT);
            }
            catch (final AssertionError e)
            {
                throw new AssertionError(phase + ": " + host.name + (host.process != null ? "\n" + host.process.log() : ""), e);
            }
        }
    }

    private long[] merged()
    {
        int n = 0;
        for (final Host host : hosts)
        {
            n += host.keptCount;
        }
        final long[] all = new long[n];
        int at = 0;
        for (final Host host : hosts)
        {
            System.arraycopy(host.kept, 0, all, at, host.keptCount);
            at += host.keptCount;
        }
        Arrays.sort(all);
        return all;
    }

    /** What histogram_quantile gives over the default classic buckets for these samples (Prometheus' bucketQuantile). */
    private static double classicQuantile(final double q, final long[] sorted)
    {
        final long[] bounds = AggregationSettings.DEFAULT_BUCKETS_NANOS;
        final double rank = q * sorted.length;
        long below = 0;
        double lower = 0;
        for (final long bound : bounds)
        {
            int at = Arrays.binarySearch(sorted, bound);
            if (at < 0)
            {
                at = -at - 1;
            }
            else
            {
                while (at < sorted.length && sorted[at] == bound)
                {
                    at++;
                }
            }
            if (at >= rank)
            {
                return lower + (bound / 1e9 - lower) * ((rank - below) / (at - below));
            }
            below = at;
            lower = bound / 1e9;
        }
        return lower;
    }

    private static double value(final JsonNode result)
    {
        return Double.parseDouble(result.get(0).get("value").get(1).asText());
    }
}
