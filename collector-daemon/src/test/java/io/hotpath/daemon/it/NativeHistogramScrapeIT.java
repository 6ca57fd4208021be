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
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus 2.42 with {@code --enable-feature=native-histograms} scrapes hotpathd: it
 * negotiates the protobuf exposition, stores {@code hotpath_duration_seconds} as a native
 * histogram, and {@code histogram_quantile} over it is within 1 % of the HdrHistogram value; the
 * other families (counters, quantile gauges, the daemon's own) arrive as in the text format.
 */
class NativeHistogramScrapeIT
{
    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path temp;

    @Test
    void prometheusScrapesNativeHistograms() throws Exception
    {
        assumeTrue(PrometheusServer.available(), "prometheus not installed");
        final Path spool = temp.resolve("spool");
        final long nowNanos = System.currentTimeMillis() * 1_000_000L;
        final Histogram reference = new Histogram(1, HistogramLayout.MAX_VALUE, 3);
        final int n = 20_000;
        try (TestQueueWriter writer = TestQueueWriter.create(spool, "demo", System.currentTimeMillis()))
        {
            writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "quic");
            final Random random = new Random(42);
            final int[] ids = new int[n];
            final long[] ends = new long[n];
            final long[] durations = new long[n];
            final int[] errors = new int[n];
            for (int i = 0; i < n; i++)
            {
                ids[i] = 1;
                ends[i] = nowNanos;
                // log-normal around 2 ms, a long tail
                durations[i] = Math.max(1, (long)(2_000_000L * Math.exp(0.8 * random.nextGaussian())));
                reference.recordValue(durations[i]);
            }
            writer.writeBatch(ids, ends, durations, errors, 0);
        }
        final DaemonConfig config = new DaemonConfig();
        config.setListen("127.0.0.1:0");
        config.getSpool().setDir(spool.toString());
        config.getState().setDir(temp.resolve("state").toString());
        final Daemon daemon = new Daemon(config);
        daemon.start();
        try (PrometheusServer prometheus = PrometheusServer.start(temp.resolve("prometheus"),
            List.of("127.0.0.1:" + daemon.address().getPort()), List.of(), List.of("--enable-feature=native-histograms")))
        {
            final String series = "service=\"demo\",metric=\"transport_send\",transport=\"quic\"";
            prometheus.awaitQuery("up{job=\"hotpathd\"}", r -> value(r) == 1.0, WAIT);
            prometheus.awaitQuery("histogram_count(hotpath_duration_seconds{" + series + "})", r -> value(r) == n, WAIT);
            prometheus.awaitQuery("hotpath_calls_total{" + series + ",outcome=\"ok\"}", r -> value(r) == n, WAIT);
            prometheus.awaitQuery("hotpath_duration_quantile_seconds{" + series + ",window=\"1m\",quantile=\"0.99\"}",
                r -> value(r) > 0, WAIT);
            prometheus.awaitQuery("hotpath_daemon_series", r -> value(r) == 1.0, WAIT);
            for (final double q : new double[] { 0.5, 0.9, 0.99, 0.999 })
            {
                final double expected = reference.getValueAtPercentile(q * 100.0) / 1e9;
                final JsonNode result = prometheus.query("histogram_quantile(" + q + ", hotpath_duration_seconds{" + series + "})");
                final double actual = value(result);
                assertTrue(Math.abs(actual - expected) / expected < 0.01,
                    "native p" + q + " " + actual + " vs HdrHistogram " + expected);
            }
            // The classic series are not stored for a native histogram (Prometheus 2.42 keeps one form).
            assertEquals(0, prometheus.query("hotpath_duration_seconds_bucket{" + series + "}").size());
        }
        finally
        {
            daemon.stop();
        }
    }

    private static double value(final JsonNode result)
    {
        return Double.parseDouble(result.get(0).get("value").get(1).asText());
    }
}
