package io.hotpath.daemon.config;

import io.hotpath.daemon.config.syntax.ConfigException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.aggregate.AggregationSettings;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import java.nio.file.Files;
import java.util.List;
import io.hotpath.daemon.expose.ExpositionSettings;

class ConfigLoaderTest
{
    @Test
    void theDocumentedDefaultsFileParsesToTheBuiltInDefaults() throws Exception
    {
        final String yaml;
        try (InputStream in = getClass().getResourceAsStream("/hotpathd-default.yaml"))
        {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        final DaemonConfig parsed = ConfigLoader.parse(yaml, "hotpathd-default.yaml");
        final DaemonConfig builtIn = new DaemonConfig();
        assertEquals(builtIn.listen(), parsed.listen());
        assertEquals("127.0.0.1:9464", parsed.listen());
        assertEquals(builtIn.getSpool().dir(), parsed.getSpool().dir());
        assertEquals(7L * 86_400_000L, parsed.getSpool().maxAgeMillis());
        assertEquals(2L << 30, parsed.getSpool().maxTotalBytes());
        assertEquals(builtIn.getState().dir(), parsed.getState().dir());
        assertEquals(1000, parsed.getState().checkpointIntervalMillis());
        assertArrayEquals(AggregationSettings.DEFAULT_BUCKETS_NANOS, parsed.getAggregation().bucketBoundsNanos());
        assertEquals(1000, parsed.getAggregation().maxSeriesPerMetric());
        assertFalse(parsed.getPush().enabled());
        assertEquals(15_000, parsed.getPush().intervalMillis());
        assertTrue(parsed.getAnomaly().enabled());
        assertEquals(DaemonConfig.Anomaly.ExposeScores.ACTIVE, parsed.getAnomaly().exposeScores());
        assertEquals(builtIn.getAnomaly().settings().maxSeries(), parsed.getAnomaly().settings().maxSeries());
        assertEquals(null, parsed.getSlo().slos());
        assertEquals(ExpositionSettings.defaults(), parsed.getMetrics().settings());
        assertEquals(ExpositionSettings.defaults(), builtIn.getMetrics().settings());
    }

    @Test
    void metricsSettingsAreValidatedWithTheirLine() throws Exception
    {
        final DaemonConfig chosen = ConfigLoader.parse(String.join("\n",
            "metrics:",
            "  quantile-windows: [1s, 1m, 1h]",
            "  quantiles: [0.99, 1]",
            "  on-demand-idle: 5m",
            ""), "h.yaml");
        assertEquals(List.of("1s", "1m", "1h"), chosen.getMetrics().settings().quantileWindows());
        assertEquals(List.of("0.99", "1"), chosen.getMetrics().settings().quantiles());
        assertEquals(300_000, chosen.getMetrics().settings().onDemandIdleMillis());
        final ConfigException window = assertThrows(ConfigException.class, () -> ConfigLoader.parse(String.join("\n",
            "metrics:",
            "  quantile-windows: [1s, 2m]",
            ""), "h.yaml"));
        assertTrue(window.getMessage().contains("2m") && window.getMessage().contains("h.yaml:2:") && window.getMessage().contains("metrics.quantile-windows"),
            window.getMessage());
        final ConfigException quantile = assertThrows(ConfigException.class, () -> ConfigLoader.parse(String.join("\n",
            "metrics:",
            "  quantiles: [0.75]",
            ""), "h.yaml"));
        assertTrue(quantile.getMessage().contains("0.75"), quantile.getMessage());
    }

    @Test
    void analysisSettingsInlineOrFromFilesWithErrorsNamingTheirOwnLines(@org.junit.jupiter.api.io.TempDir final Path temp)
        throws Exception
    {
        final DaemonConfig inline = ConfigLoader.parse(String.join("\n",
            "anomaly:",
            "  expose-scores: all",
            "  settings:",
            "    max_series: 42",
            "    detectors: {zscore: {enter: 4}}",
            ""), "h.yaml");
        assertEquals(42, inline.getAnomaly().settings().maxSeries());
        assertEquals(DaemonConfig.Anomaly.ExposeScores.ALL, inline.getAnomaly().exposeScores());

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(String.join("\n",
            "listen: 127.0.0.1:9464",
            "anomaly:",
            "  settings:",
            "    detectors:",
            "      zscore: {enter: lots}",
            ""), "/etc/hotpath/h.yaml"));
        assertTrue(e.getMessage().startsWith("/etc/hotpath/h.yaml:5: anomaly.settings.detectors.zscore.enter: expected a number"),
            e.getMessage());

        final Path anomalyFile = Files.writeString(temp.resolve("anomaly.yaml"), "detectors:\n  madd: {}\n");
        e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("anomaly:\n  file: " + anomalyFile + "\n", "h.yaml"));
        assertTrue(e.getMessage().startsWith("h.yaml:2:") && e.getMessage().contains("field anomaly.file: " + anomalyFile + ":2: detectors.madd: unknown field"),
            e.getMessage());

        final Path goodAnomalyFile = Files.writeString(temp.resolve("good.yaml"), "max_series: 7\n");
        e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
            "anomaly:\n  file: " + goodAnomalyFile + "\n  settings: {max_series: 8}\n", "h.yaml"));
        assertTrue(e.getMessage().startsWith("h.yaml:3: anomaly.settings: give the anomaly settings either inline or as anomaly.file"),
            e.getMessage());
        assertEquals(7, ConfigLoader.parse("anomaly:\n  file: " + goodAnomalyFile + "\n", "h.yaml").getAnomaly().settings().maxSeries());

        e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("anomaly:\n  expose-scores: some\n", "h.yaml"));
        assertTrue(e.getMessage().startsWith("h.yaml:2:") && e.getMessage().contains("anomaly.expose-scores: expected active or all"),
            e.getMessage());

        final Path sloFile = Files.writeString(temp.resolve("slo.yaml"), String.join("\n",
            "slos:",
            "  - name: a",
            "    sli: {success: {metric: transport_send}}",
            "    target: 1.5",
            "    window: 30d",
            ""));
        e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("slo:\n  file: " + sloFile + "\n", "h.yaml"));
        assertTrue(e.getMessage().contains("field slo.file: " + sloFile + ":4: slos[0].target: expected a ratio"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("slo:\n  file: " + temp.resolve("missing.yaml") + "\n", "h.yaml"));
        assertTrue(e.getMessage().contains("missing.yaml") && e.getMessage().contains("cannot read"), e.getMessage());
    }

    @Test
    void overridesNestedKeysAndKeepsTheRest() throws Exception
    {
        final DaemonConfig config = ConfigLoader.parse(String.join("\n",
            "listen: 127.0.0.1:0",
            "spool:",
            "  dir: /tmp/spool",
            "  retention:",
            "    max-age: 2h",
            "push:",
            "  enabled: true",
            "  grouping-key: {dc: eu1}",
            ""), "test.yaml");
        assertEquals(0, config.listenAddress().getPort());
        assertEquals(Path.of("/tmp/spool"), config.getSpool().dir());
        assertEquals(7_200_000, config.getSpool().maxAgeMillis());
        assertEquals(2L << 30, config.getSpool().maxTotalBytes(), "untouched default");
        assertEquals(1000, config.getSpool().scanIntervalMillis());
        assertTrue(config.getPush().enabled());
        assertEquals("eu1", config.getPush().groupingKey().get("dc"));
    }

    @Test
    void errorsNameFileLineAndField()
    {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(String.join("\n",
            "listen: 127.0.0.1:9464",
            "spool:",
            "  dir: /tmp/x",
            "  scan-interval: soon",
            ""), "/etc/hotpath/hotpathd.yaml"));
        assertTrue(e.getMessage().startsWith("/etc/hotpath/hotpathd.yaml:4:"), e.getMessage());
        assertTrue(e.getMessage().contains("spool.scan-interval"), e.getMessage());
        assertTrue(e.getMessage().contains("expected a duration"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("spool:\n  dirr: /x\n", "c.yaml"));
        assertTrue(e.getMessage().startsWith("c.yaml:2:"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown field 'dirr'") && e.getMessage().contains("dir"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("listen: nowhere\n", "c.yaml"));
        assertTrue(e.getMessage().startsWith("c.yaml:1:"), e.getMessage());
        assertTrue(e.getMessage().contains("listen") && e.getMessage().contains("HOST:PORT"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
            "aggregation:\n  histogram-buckets: [0.1, 0.05]\n", "c.yaml"));
        assertTrue(e.getMessage().contains("aggregation.histogram-buckets") && e.getMessage().contains("ascending"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("spool: [\n", "c.yaml"));
        assertTrue(e.getMessage().startsWith("c.yaml:"), e.getMessage());
    }

    /** hotpathd.yaml is read by snakeyaml-engine (as every YAML file of the daemon) and bound as Jackson's YAML reader did. */
    @Test
    void valuesReadAsTheEarlierYamlReaderReadThem() throws Exception
    {
        final DaemonConfig config = ConfigLoader.parse(String.join("\n",
            "push:",
            "  enabled: yes",
            "  job: 'on'",
            "  grouping-key: {country: no, version: 1.10}",
            "metrics:",
            "  native-histogram-schema: 6",
            ""), "h.yaml");
        assertTrue(config.getPush().enabled(), "YAML 1.1 booleans for boolean settings");
        assertEquals("on", config.getPush().job());
        assertEquals("no", config.getPush().groupingKey().get("country"), "a string setting keeps the text as written");
        assertEquals("1.10", config.getPush().groupingKey().get("version"));
        assertEquals(6, config.getMetrics().nativeHistogramSchema());
        assertEquals(new DaemonConfig().listen(), ConfigLoader.parse("# only a comment\n", "h.yaml").listen(), "no content: the defaults");

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
            "metrics:\n  native-histogram-schema: 1.5\n", "h.yaml"));
        assertTrue(e.getMessage().startsWith("h.yaml:2:28: field metrics.native-histogram-schema: "), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("push:\n  enabled: maybe\n", "h.yaml"));
        assertTrue(e.getMessage().startsWith("h.yaml:2:12: field push.enabled: ") && e.getMessage().contains("maybe"), e.getMessage());
        assertEquals("127.0.0.1:2", ConfigLoader.parse("listen: 127.0.0.1:1\nlisten: 127.0.0.1:2\n", "h.yaml").listen(),
            "a key given twice: the last one, as before");
        e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("remote_write:\n  - url: http://127.0.0.1:9/\n    min-backoff: soon\n", "h.yaml"));
        assertTrue(e.getMessage().startsWith("h.yaml:3:18: field remote_write[0].min-backoff: "), e.getMessage());
    }
}
