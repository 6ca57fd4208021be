package io.hotpath.daemon.expose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.aggregate.Series;
import io.hotpath.daemon.aggregate.SeriesKey;
import io.hotpath.daemon.tail.IngestCounters;
import io.hotpath.daemon.tail.SpoolTailers;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.List;

/** What /metrics renders, checked line by line and by promtool. */
class MetricsRenderingTest
{
    private static final long T0 = 1_800_000_000_000L;

    @TempDir
    Path temp;

    private MetricsRenderer renderer(final Aggregator aggregator)
    {
        return renderer(aggregator, ExpositionSettings.everything());
    }

    private MetricsRenderer renderer(final Aggregator aggregator, final ExpositionSettings settings)
    {
        final IngestCounters counters = new IngestCounters();
        counters.reject("truncated");
        final SpoolTailers spool = new SpoolTailers(temp.resolve("spool"), aggregator, counters, null);
        spool.publishStatus(T0);
        final MetricsRenderer renderer = new MetricsRenderer(settings);
        renderer.addSource(new SeriesMetricFamilies(aggregator.settings().bucketBoundsNanos(), settings));
        renderer.addSource(new DaemonMetricFamilies(spool, counters, new ScrapeStats()));
        renderer.addProcessSource(new JvmMetricFamilies());
        return renderer;
    }

    private static Aggregator populated()
    {
        final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), T0);
        final Series quic = aggregator.registry().resolve(
            new SeriesKey("demo", "transport_send", "transport", Map.of("transport", "quic", "peer", "we\"ird\\va\nlue")));
        aggregator.registry().resolve(new SeriesKey("demo", "idle", "custom", Map.of()));
        final Series odd = aggregator.registry().resolve(new SeriesKey("demo", "odd", "custom",
            Map.of("le", "x", "transport.type", "quic", "9lives", "y", "__name__", "z")));
        aggregator.record(odd, T0 * 1_000_000L, 5_000, false, 0, -1, false, 0, 0, 0);
        final int timeout = aggregator.errorTypes().intern("TimeoutException");
        for (int i = 1; i <= 100; i++)
        {
            aggregator.record(quic, T0 * 1_000_000L + i, i * 100_000L, i % 10 == 0, i % 10 == 0 ? timeout : 0, 1000, false, 0, 0, 0);
        }
        aggregator.record(quic, T0 * 1_000_000L, 12_345_678L, false, 0, -1, true, 0x0123456789abcdefL, 0x1111L, 0xfeedL);
        aggregator.rotate(T0 + 1000);
        return aggregator;
    }

    @Test
    void prometheusTextHasTheContractFamiliesWithExactValues()
    {
        final Aggregator aggregator = populated();
        final MetricsRenderer renderer = renderer(aggregator);
        renderer.render(aggregator.latest(), T0 + 1000);
        final String text = new String(renderer.latest().prometheusText(), StandardCharsets.UTF_8);
        final String labels = "service=\"demo\",metric=\"transport_send\",kind=\"transport\",peer=\"we\\\"ird\\\\va\\nlue\",transport=\"quic\"";
        assertContains(text, "# TYPE hotpath_duration_seconds histogram\n");
        assertContains(text, "hotpath_duration_seconds_bucket{" + labels + ",le=\"0.001\"} 10\n");
        assertContains(text, "hotpath_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} 101\n");
        assertContains(text, "hotpath_duration_seconds_count{" + labels + "} 101\n");
        assertContains(text, "hotpath_duration_seconds_sum{" + labels + "} 0.517345678\n");
        assertContains(text, "# TYPE hotpath_calls_total counter\n");
        assertContains(text, "hotpath_calls_total{" + labels + ",outcome=\"ok\",error_type=\"\"} 91\n");
        assertContains(text, "hotpath_calls_total{" + labels + ",outcome=\"error\",error_type=\"TimeoutException\"} 10\n");
        assertContains(text, "hotpath_payload_bytes_total{" + labels + "} 100000\n");
        assertContains(text, "hotpath_duration_quantile_seconds{" + labels + ",window=\"1s\",quantile=\"1\"} 0.012345678\n");
        assertContains(text, "hotpath_duration_quantile_seconds{" + labels + ",window=\"1s\",quantile=\"0.5\"} 0.005103615\n");
        assertContains(text, "hotpath_duration_quantile_seconds{" + labels + ",window=\"1m\",quantile=\"0.99\"} 0.010002431\n");
        assertContains(text, "hotpath_duration_quantile_seconds{service=\"demo\",metric=\"idle\",kind=\"custom\",window=\"1h\",quantile=\"0.5\"} NaN\n");
        assertContains(text, "hotpath_daemon_records_rejected_total{reason=\"truncated\"} 1\n");
        assertContains(text, "hotpath_daemon_series 3\n");
        assertContains(text, "hotpath_duration_seconds_count{service=\"demo\",metric=\"odd\",kind=\"custom\",_lives=\"y\",label___name__=\"z\",label_le=\"x\",transport_type=\"quic\"} 1\n");
        assertTrue(!text.contains("hotpath_late_samples_total{"), "late samples only once there are some");
        assertTrue(!text.contains("hotpath_payload_bytes_total{service=\"demo\",metric=\"idle\""), "payload bytes only once reported");
        assertContains(text, "# TYPE jvm_threads_current gauge");
        assertTrue(!text.contains("# {trace_id"), "no exemplars in 0.0.4");
    }

    @Test
    void openMetricsCarriesExemplarsAndEof()
    {
        final Aggregator aggregator = populated();
        final MetricsRenderer renderer = renderer(aggregator);
        renderer.render(aggregator.latest(), T0 + 1000);
        final String text = new String(renderer.latest().openMetricsText(), StandardCharsets.UTF_8);
        assertContains(text, "# TYPE hotpath_calls counter\n");
        assertContains(text, "le=\"0.025\"} 101 # {trace_id=\"0123456789abcdef0000000000001111\",span_id=\"000000000000feed\"} 0.012345678 1800000000.000\n");
        assertTrue(text.endsWith("# EOF\n"));
        assertEquals(text.indexOf("# EOF"), text.lastIndexOf("# EOF"), "one EOF");
    }

    @Test
    void defaultQuantileWindowsAreTheSecondAndTheMinute()
    {
        final Aggregator aggregator = populated();
        final MetricsRenderer renderer = renderer(aggregator, ExpositionSettings.defaults());
        renderer.render(aggregator.latest(), T0 + 1000);
        final String text = new String(renderer.latest().prometheusText(), StandardCharsets.UTF_8);
        final String labels = "service=\"demo\",metric=\"transport_send\",kind=\"transport\",peer=\"we\\\"ird\\\\va\\nlue\",transport=\"quic\"";
        assertContains(text, "hotpath_duration_quantile_seconds{" + labels + ",window=\"1s\",quantile=\"1\"} 0.012345678\n");
        assertContains(text, "hotpath_duration_quantile_seconds{" + labels + ",window=\"1m\",quantile=\"0.99\"} 0.010002431\n");
        for (final String window : new String[] { "5m", "15m", "1h" })
        {
            assertTrue(!text.contains("window=\"" + window + "\""), window + " is opt-in");
        }
        assertTrue(renderer.latest().openMetricsText() == null, "OpenMetrics only after someone asked for it");
    }

    @Test
    void onlyTheQuantilesConfiguredAreWritten()
    {
        final Aggregator aggregator = populated();
        final MetricsRenderer renderer = renderer(aggregator,
            new ExpositionSettings(List.of("1h", "1s"), List.of("0.99", "1"), 60_000));
        renderer.render(aggregator.latest(), T0 + 1000);
        final String text = new String(renderer.latest().prometheusText(), StandardCharsets.UTF_8);
        assertContains(text, "metric=\"idle\",kind=\"custom\",window=\"1s\",quantile=\"0.99\"} NaN\n");
        assertContains(text, "metric=\"idle\",kind=\"custom\",window=\"1h\",quantile=\"1\"} NaN\n");
        assertEquals(4, text.lines().filter(l -> l.startsWith("hotpath_duration_quantile_seconds{service=\"demo\",metric=\"idle\"")).count(),
            "2 windows x 2 quantiles");
    }

    @Test
    void promtoolAcceptsTheRealOutput() throws Exception
    {
        promtoolAccepts(ExpositionSettings.everything());
        promtoolAccepts(ExpositionSettings.defaults());
    }

    private void promtoolAccepts(final ExpositionSettings settings) throws Exception
    {
        final File promtool = new File("/usr/bin/promtool");
        assumeTrue(promtool.canExecute(), "promtool not installed");
        final Aggregator aggregator = populated();
        final MetricsRenderer renderer = renderer(aggregator, settings);
        renderer.render(aggregator.latest(), T0 + 1000);
        final Path file = temp.resolve("metrics.txt");
        Files.write(file, renderer.latest().prometheusText());
        final Process process = new ProcessBuilder(promtool.getPath(), "check", "metrics")
            .redirectInput(file.toFile()).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), "promtool check metrics: " + output);
        assertEquals("", output.trim(), "no lint findings");
    }

    private static void assertContains(final String text, final String expected)
    {
        assertTrue(text.contains(expected), "missing: " + expected + "\n--- in ---\n" + text.substring(0, Math.min(text.length(), 6000)));
    }
}
