package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotpath.daemon.Daemon;
import io.hotpath.daemon.aggregate.HistogramLayout;
import io.hotpath.daemon.config.DaemonConfig;
import io.hotpath.daemon.testkit.PrometheusServer;
import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.MetricKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queue → daemon → a real Prometheus scraping it every second (OpenMetrics negotiated, exemplar
 * storage on): counters, histogram count/sum, window quantiles and exemplars read back through
 * Prometheus' HTTP API equal what was written.
 */
class PrometheusIT
{
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    @Test
    void prometheusSeesExactlyWhatWasWritten() throws Exception
    {
        assumeTrue(PrometheusServer.available(), "prometheus not installed");
        final Path spool = temp.resolve("spool");
        final long nowNanos = System.currentTimeMillis() * 1_000_000L;
        final Histogram reference = new Histogram(1, HistogramLayout.MAX_VALUE, 3);
        long sumNanos = 0;
        try (TestQueueWriter writer = TestQueueWriter.create(spool, "demo", System.currentTimeMillis()))
        {
            writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "quic");
            writer.defineSeries(2, MetricKind.P2P, "p2p_connect", "peer", "n1");
            writer.defineErrorType(7, "IOException");
            final int n = 1000;
            final int[] ids = new int[n];
            final long[] ends = new long[n];
            final long[] durations = new long[n];
            final int[] errors = new int[n];
            for (int i = 0; i < n; i++)
            {
                ids[i] = 1;
                ends[i] = nowNanos;
                durations[i] = 200_000L + 37_123L * i;
                errors[i] = i % 10 == 0 ? 7 : 0;
                reference.recordValue(durations[i]);
                sumNanos += durations[i];
            }
            writer.writeBatch(ids, ends, durations, errors, 512);
            writer.writeTraced(2, nowNanos, 42_000_000L, 0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L, 0x00f067aa0ba902b7L);
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
            final String series = "service=\"demo\",metric=\"transport_send\",transport=\"quic\"";
            prometheus.awaitQuery("up{job=\"hotpathd\"}", r -> value(r) == 1.0, WAIT);
            prometheus.awaitQuery("hotpath_calls_total{" + series + ",outcome=\"ok\"}", r -> value(r) == 900.0, WAIT);
            prometheus.awaitQuery("hotpath_calls_total{" + series + ",outcome=\"error\",error_type=\"IOException\"}",
                r -> value(r) == 100.0, WAIT);
            prometheus.awaitQuery("hotpath_duration_seconds_count{" + series + "}", r -> value(r) == 1000.0, WAIT);
            final double sumSeconds = sumNanos / 1e9;
            prometheus.awaitQuery("hotpath_duration_seconds_sum{" + series + "}", r -> Math.abs(value(r) - sumSeconds) < 1e-9, WAIT);
            prometheus.awaitQuery("hotpath_payload_bytes_total{" + series + "}", r -> value(r) == 512_000.0, WAIT);
            for (final double q : new double[] { 0.5, 0.99, 0.999 })
            {
                final double expected = reference.getValueAtPercentile(q * 100.0) / 1e9;
                final JsonNode result = prometheus.awaitQuery(
                    "hotpath_duration_quantile_seconds{" + series + ",window=\"1m\",quantile=\"" + q + "\"}",
                    r -> Math.abs(value(r) - expected) < 1e-12, WAIT);
                assertEquals(expected, value(result), 1e-12, "window 1m quantile " + q);
            }
            final JsonNode exemplars = awaitExemplars(prometheus);
            assertTrue(exemplars.toString().contains("4bf92f3577b34da6a3ce929d0e0e4736"), exemplars.toString());
            assertTrue(exemplars.toString().contains("00f067aa0ba902b7"), exemplars.toString());
        }
        finally
        {
            daemon.stop();
        }
    }

    private static JsonNode awaitExemplars(final PrometheusServer prometheus) throws Exception
    {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode data = null;
        while (System.nanoTime() < deadline)
        {
            data = prometheus.exemplars("hotpath_duration_seconds_bucket{metric=\"p2p_connect\"}", 120);
            if (data != null && data.size() > 0)
            {
                return data;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no exemplars in Prometheus: " + data + "\n" + prometheus.log());
    }

    private static double value(final JsonNode result)
    {
        return Double.parseDouble(result.get(0).get("value").get(1).asText());
    }
}
