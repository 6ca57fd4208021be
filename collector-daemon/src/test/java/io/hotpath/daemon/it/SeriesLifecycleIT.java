package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotpath.daemon.Daemon;
import io.hotpath.daemon.config.ConfigLoader;
import io.hotpath.daemon.config.DaemonConfig;
import io.hotpath.daemon.testkit.ExternalProcess;
import io.hotpath.daemon.testkit.PrometheusServer;
import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.MetricKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Series lifecycle against a real Prometheus remote-write receiver: a series idle for
 * {@code metrics.series-idle-timeout} leaves {@code /metrics} and Prometheus gets a staleness
 * marker (an instant query no longer returns it, its history stays); a new sample brings it back
 * with its counters where they were. Also: an SLO's latency threshold (30 ms) is a classic bucket
 * bound on {@code /metrics} without being configured as one.
 */
class SeriesLifecycleIT
{
    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path temp;

    @Test
    void idleSeriesLeaveMetricsAndGoStaleInRemoteWrite() throws Exception
    {
        assumeTrue(PrometheusServer.available(), "prometheus not installed");
        final Path slo = temp.resolve("slo.yaml");
        Files.writeString(slo, "slos:\n  - name: send-latency\n    sli:\n      latency:\n        metric: transport_send\n" +
            "        threshold: 30ms\n    target: 0.99\n    window: 30d\n");
        try (PrometheusServer prometheus = PrometheusServer.start(temp.resolve("prometheus"), List.of(), List.of(),
            List.of("--web.enable-remote-write-receiver", "--enable-feature=native-histograms"));
            TestQueueWriter writer = TestQueueWriter.create(temp.resolve("spool"), "svc", System.currentTimeMillis()))
        {
            final DaemonConfig config = ConfigLoader.parse("metrics: {series-idle-timeout: 4s}\nslo: {file: " + slo + "}\n" +
                "remote-write:\n  - url: " + prometheus.url() + "/api/v1/write\n    external-labels: {instance: lifecycle}\n", "test");
            config.setListen("127.0.0.1:0");
            config.getSpool().setDir(temp.resolve("spool").toString());
            config.getState().setDir(temp.resolve("state").toString());
            final Daemon daemon = new Daemon(config);
            daemon.start();
            try
            {
                final String metricsUrl = "http://127.0.0.1:" + daemon.address().getPort() + "/metrics";
                writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "quic");
                write(writer, 100);
                final String series = "instance=\"lifecycle\",metric=\"transport_send\"";
                prometheus.awaitQuery("sum(hotpath_calls_total{" + series + "})", r -> value(r) == 100, WAIT);
                prometheus.awaitQuery("histogram_count(hotpath_duration_seconds{" + series + "})", r -> value(r) == 100, WAIT);
                final String text = ExternalProcess.get(metricsUrl).body();
                assertTrue(text.contains("metric=\"transport_send\""), text);
                assertTrue(text.contains("le=\"0.03\""), "the SLO threshold is a bucket bound:\n" + text);

                // Idle: gone from /metrics, stale in Prometheus (no instant result), history kept.
                awaitGone(metricsUrl);
                final long deadline = System.nanoTime() + WAIT.toNanos();
                while (prometheus.query("hotpath_calls_total{" + series + "}").size() > 0 && System.nanoTime() < deadline)
                {
                    Thread.sleep(250);
                }
                assertEquals(0, prometheus.query("hotpath_calls_total{" + series + "}").size(), "stale marker written");
                assertEquals(0, prometheus.query("hotpath_duration_seconds{" + series + "}").size(), "histogram stale");
                assertTrue(value(prometheus.query("max_over_time(hotpath_calls_total{" + series + "}[2m])")) == 100);

                // Back: counters continue.
                write(writer, 50);
                prometheus.awaitQuery("sum(hotpath_calls_total{" + series + "})", r -> value(r) == 150, WAIT);
                prometheus.awaitQuery("histogram_count(hotpath_duration_seconds{" + series + "})", r -> value(r) == 150, WAIT);
                assertTrue(ExternalProcess.get(metricsUrl).body().contains("metric=\"transport_send\""));
            }
            finally
            {
                daemon.stop();
            }
        }
    }

    private static void write(final TestQueueWriter writer, final int n)
    {
        final int[] ids = new int[n];
        final long[] ends = new long[n];
        final long[] durations = new long[n];
        Arrays.fill(ids, 1);
        Arrays.fill(ends, System.currentTimeMillis() * 1_000_000L);
        for (int i = 0; i < n; i++)
        {
            durations[i] = 1_000_000L + 100_000L * i;
        }
        writer.writeBatch(ids, ends, durations, null, 0);
    }

    private static void awaitGone(final String metricsUrl) throws Exception
    {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        String text = "";
        while (System.nanoTime() < deadline)
        {
            text = ExternalProcess.get(metricsUrl).body();
            if (!text.contains("metric=\"transport_send\""))
            {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("idle series still in /metrics:\n" + text);
    }

    private static double value(final JsonNode result)
    {
        return Double.parseDouble(result.get(0).get("value").get(1).asText());
    }
}
