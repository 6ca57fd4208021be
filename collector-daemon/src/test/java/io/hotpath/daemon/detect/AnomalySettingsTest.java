package io.hotpath.daemon.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.hotpath.daemon.config.syntax.ConfigException;
import io.hotpath.daemon.config.syntax.YamlFiles;

class AnomalySettingsTest
{
    private static AnomalySettings parse(final String yaml) throws ConfigException
    {
        return AnomalySettings.fromYaml(YamlFiles.parse(yaml, "anomaly.yaml"));
    }

    @Test
    void levelsOverrideOnlyWhatTheyName() throws ConfigException
    {
        final AnomalySettings settings = parse("""
            max_series: 100
            detectors:
              zscore: {enter: 4, exit: 2.5, critical: 8}
            signals:
              latency_p99:
                detectors: [zscore, mad]
                min_deviation: 0.002
            metrics:
              transport_send:
                latency_p99:
                  zscore: {enter: 5, cooldown: 5m}
                throughput:
                  detectors: []
            """);
        assertEquals(100, settings.maxSeries());
        final SignalSettings latency = settings.forMetric("p2p_connect").get(Signal.LATENCY_P99);
        assertEquals(List.of(DetectorKind.ZSCORE, DetectorKind.MAD), latency.detectors());
        assertEquals(0.002, latency.minDeviation());
        assertEquals(0.0, latency.relativeMinDeviation(), "not named: built-in default (the spread is learnt)");
        assertEquals(4.0, latency.settings(DetectorKind.ZSCORE).enter());
        assertEquals(Duration.ofSeconds(60), latency.settings(DetectorKind.ZSCORE).cooldown());

        final SignalSettings transport = settings.forMetric("transport_send").get(Signal.LATENCY_P99);
        assertEquals(5.0, transport.settings(DetectorKind.ZSCORE).enter());
        assertEquals(2.5, transport.settings(DetectorKind.ZSCORE).exit(), "inherited from detectors.zscore");
        assertEquals(Duration.ofMinutes(5), transport.settings(DetectorKind.ZSCORE).cooldown());
        assertEquals(List.of(DetectorKind.ZSCORE, DetectorKind.MAD), transport.detectors(), "inherited from signals");
        assertEquals(List.of(), settings.forMetric("transport_send").get(Signal.THROUGHPUT).detectors());
    }

    @Test
    void minCallsDefaultsTo20AndReadsItsOldNameToo() throws ConfigException
    {
        assertEquals(20, AnomalySettings.defaults().forMetric("x").get(Signal.LATENCY_P99).minCount());
        assertEquals(20, AnomalySettings.defaults().forMetric("x").get(Signal.ERROR_RATIO).minCount());
        assertEquals(0, AnomalySettings.defaults().forMetric("x").get(Signal.THROUGHPUT).minCount());
        final AnomalySettings settings = parse("""
            signals:
              latency_p99: {min_calls: 50}
              error_ratio: {min_count: 40}
            """);
        assertEquals(50, settings.forMetric("x").get(Signal.LATENCY_P99).minCount());
        assertEquals(40, settings.forMetric("x").get(Signal.ERROR_RATIO).minCount());
    }

    @Test
    void errorsNameFileLineAndField()
    {
        final ConfigException unknown = assertThrows(ConfigException.class, () -> parse("""
            signals:
              latency_p99:
                treshold: 3
            """));
        assertEquals("anomaly.yaml:3: signals.latency_p99.treshold: unknown field; expected one of detectors, direction, "
            + "min-calls, min-count, min-deviation, relative-min-deviation, adaptive, zscore, mad, levelshift", unknown.getMessage());

        final ConfigException bothNames = assertThrows(ConfigException.class, () -> parse("""
            signals:
              latency_p99:
                min_calls: 10
                min_count: 5
            """));
        assertEquals("anomaly.yaml:4: signals.latency_p99.min_count: min_count is the old name of min_calls: give only min_calls",
            bothNames.getMessage());

        final ConfigException badDetector = assertThrows(ConfigException.class, () -> parse("""
            signals:
              error_ratio:
                detectors: [zscore, cusum]
            """));
        assertEquals("anomaly.yaml:3: signals.error_ratio.detectors[1]: unknown detector \"cusum\"; "
            + "expected adaptive, zscore, mad or levelshift", badDetector.getMessage());

        final ConfigException hysteresis = assertThrows(ConfigException.class, () -> parse("""
            detectors:
              mad:
                enter: 2
                exit: 3
            """));
        assertEquals("anomaly.yaml:2: detectors.mad: mad: thresholds must satisfy 0 < exit <= enter <= critical, "
            + "got exit=3.0 enter=2.0 critical=12.0", hysteresis.getMessage());

        final ConfigException duration = assertThrows(ConfigException.class, () -> parse("""
            detectors:
              zscore: {hold: 10 seconds}
            """));
        assertEquals(2, duration.line());
        assertEquals("detectors.zscore.hold", duration.field());

        final ConfigException notYaml = assertThrows(ConfigException.class, () -> parse("signals: [unclosed\n"));
        assertEquals("anomaly.yaml", notYaml.source());
    }
}
