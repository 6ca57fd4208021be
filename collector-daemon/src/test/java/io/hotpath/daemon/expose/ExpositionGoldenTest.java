package io.hotpath.daemon.expose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.aggregate.NativeHistograms;
import io.hotpath.daemon.aggregate.Series;
import io.hotpath.daemon.aggregate.SeriesKey;
import io.hotpath.daemon.detect.AnomalyEngine;
import io.hotpath.daemon.detect.AnomalySettings;
import io.hotpath.daemon.detect.FakeInterval;
import io.hotpath.daemon.slo.SloEngine;
import io.hotpath.daemon.slo.SloFile;
import io.hotpath.daemon.tail.IngestCounters;
import io.hotpath.daemon.tail.SpoolTailers;
import io.prometheus.client.Collector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.hotpath.daemon.aggregate.NativeCounts;

/**
 * The bytes of /metrics for a fixed set of series, SLOs and anomaly monitors, in all three formats
 * (Prometheus text 0.0.4, OpenMetrics 1.0, protobuf with native histograms) and the Pushgateway
 * samples, against files kept under {@code src/test/resources/golden/exposition}. A refactoring of
 * the writers must leave them byte for byte the same; a deliberate format change regenerates them
 * with {@code -Dgolden.update=true} and shows up in the diff.
 */
class ExpositionGoldenTest
{
    private static final long T0 = 1_800_000_000_000L;
    private static final Path GOLDEN = Path.of("src/test/resources/golden/exposition");

    @TempDir
    Path temp;

    @Test
    void allFormatsAreByteForByteTheGoldenFiles() throws Exception
    {
        final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), T0);
        final NativeHistograms natives = new NativeHistograms(3, 600_000);
        aggregator.addIntervalListener(natives);
        final Series quic = aggregator.registry().resolve(
            new SeriesKey("demo", "transport_send", "transport", Map.of("transport", "quic", "peer", "we\"ird\\va\nlue")));
        aggregator.registry().resolve(new SeriesKey("demo", "idle", "custom", Map.of()));
        final Series odd = aggregator.registry().resolve(new SeriesKey("demo", "odd", "custom",
            Map.of("le", "x", "transport.type", "quic", "9lives", "y", "__name__", "z", "utf8", "grüße\t")));
        aggregator.record(odd, T0 * 1_000_000L, 5_000, false, 0, -1, false, 0, 0, 0);
        final int timeout = aggregator.errorTypes().intern("TimeoutException");
        for (int i = 1; i <= 100; i++)
        {
            aggregator.record(quic, T0 * 1_000_000L + i, i * 100_000L, i % 10 == 0, i % 10 == 0 ? timeout : 0, 1000, false, 0, 0, 0);
        }
        aggregator.record(quic, T0 * 1_000_000L, 12_345_678L, false, 0, -1, true, 0x0123456789abcdefL, 0x1111L, 0xfeedL);
        aggregator.rotate(T0 + 1000);

        final AnomalyEngine anomalies = new AnomalyEngine(AnomalySettings.defaults(), event -> { });
        final SloEngine slos = new SloEngine(SloFile.parse("""
            slos:
              - name: send-latency
                sli: {latency: {metric: transport_send, threshold: 100ms}}
                target: 0.99
                window: 30d
                tier: critical
                labels: {team: "trans\\"port"}
              - name: send-success
                sli: {success: {metric: transport_send}}
                target: 0.999
                window: 7d
            """, "golden.yaml"));
        feed(anomalies, slos);

        final IngestCounters counters = new IngestCounters();
        counters.reject("truncated");
        final SpoolTailers spool = new SpoolTailers(temp.resolve("spool"), aggregator, counters, null);
        spool.publishStatus(T0);
        final ExpositionSettings settings = ExpositionSettings.everything();
        final MetricsRenderer renderer = new MetricsRenderer(settings);
        renderer.addSource(new SeriesMetricFamilies(aggregator.settings().bucketBoundsNanos(), settings).withNativeHistograms(natives));
        final DaemonMetricFamilies daemon = new DaemonMetricFamilies(spool, counters, new ScrapeStats());
        renderer.addSource((writer, snapshot) -> daemon.writeTo(new FixedRotationDuration(writer), snapshot));
        renderer.addSource(new AnomalyMetricFamilies(anomalies, true));
        renderer.addSource(new SloMetricFamilies(slos));
        renderer.openMetrics(T0 + 1000);
        renderer.protobuf(T0 + 1000);
        renderer.render(aggregator.latest(), T0 + 1000);
        final RenderedMetrics rendered = renderer.latest();
        assertNotNull(rendered.openMetricsText());
        assertNotNull(rendered.protobuf());

        check("prometheus.txt", rendered.prometheusText());
        check("openmetrics.txt", rendered.openMetricsText());
        check("protobuf.bin", rendered.protobuf());
        final StringBuilder push = new StringBuilder();
        for (final Collector.MetricFamilySamples family : renderer.samplesForPush(aggregator.latest()))
        {
            push.append(family.name).append(' ').append(family.type).append(' ').append(family.help).append('\n');
            for (final Collector.MetricFamilySamples.Sample sample : family.samples)
            {
                push.append("  ").append(sample.name).append(' ').append(sample.labelNames).append(' ')
                    .append(sample.labelValues).append(' ').append(Double.toString(sample.value)).append('\n');
            }
        }
        check("push.txt", push.toString().getBytes(StandardCharsets.UTF_8));
        renderer.close();
    }

    /** Ten minutes of a series with a latency shift and errors in the middle: anomaly events and SLO burn. */
    private static void feed(final AnomalyEngine anomalies, final SloEngine slos)
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        labels.put("service", "demo");
        labels.put("metric", "transport_send");
        labels.put("kind", "transport");
        labels.put("peer", "a\"b\\c");
        final Random random = new Random(7);
        for (int s = 0; s < 600; s++)
        {
            final boolean shifted = s >= 300 && s < 420;
            final long fast = (long)(20e6 * (1 + 0.05 * random.nextGaussian()));
            final FakeInterval interval = new FakeInterval("demo/transport_send", labels, T0 + s * 1000L, 200,
                shifted ? 10 : (random.nextInt(100) == 0 ? 1 : 0), fast, shifted ? 40 : 0, 150_000_000);
            anomalies.onInterval(interval);
            slos.onInterval(interval);
            anomalies.afterRotation();
            slos.rotationComplete();
        }
    }

    private static void check(final String name, final byte[] actual) throws IOException
    {
        final Path file = GOLDEN.resolve(name);
        Files.createDirectories(Path.of("target/golden-actual"));
        Files.write(Path.of("target/golden-actual").resolve(name), actual);
        if (Boolean.getBoolean("golden.update"))
        {
            Files.createDirectories(GOLDEN);
            Files.write(file, actual);
        }
        assertArrayEquals(Files.readAllBytes(file), actual, name + " differs from " + file.toAbsolutePath()
            + " (regenerate with -Dgolden.update=true only for a deliberate format change)");
    }

    /** Passes everything through but the one measured duration (the rotation's wall time), which it fixes. */
    private static final class FixedRotationDuration implements MetricWriter
    {
        private final MetricWriter target;
        private boolean rotation;

        FixedRotationDuration(final MetricWriter target)
        {
            this.target = target;
        }

        @Override
        public void family(final String name, final MetricType type, final String help)
        {
            rotation = name.equals("hotpath_daemon_rotation_duration_seconds");
            target.family(name, type, help);
        }

        @Override
        public void sample(final String suffix, final Labels labels, final String name1, final String value1, final String name2,
            final String value2, final long value)
        {
            target.sample(suffix, labels, name1, value1, name2, value2, value);
        }

        @Override
        public void sample(final String suffix, final Labels labels, final String name1, final String value1, final String name2,
            final String value2, final double value)
        {
            target.sample(suffix, labels, name1, value1, name2, value2, value);
        }

        @Override
        public void sampleNanosAsSeconds(final String suffix, final Labels labels, final String name1, final String value1,
            final String name2, final String value2, final long nanos)
        {
            target.sampleNanosAsSeconds(suffix, labels, name1, value1, name2, value2, rotation ? 1_234_567L : nanos);
        }

        @Override
        public void exemplar(final String traceId, final String spanId, final long valueNanos, final long epochMillis)
        {
            target.exemplar(traceId, spanId, valueNanos, epochMillis);
        }

        @Override
        public boolean wantsExemplars()
        {
            return target.wantsExemplars();
        }

        @Override
        public boolean wantsNativeHistograms()
        {
            return target.wantsNativeHistograms();
        }

        @Override
        public void nativeHistogram(final int schema, final NativeCounts counts)
        {
            target.nativeHistogram(schema, counts);
        }
    }
}
