package io.hotpath.daemon.config;

import io.hotpath.daemon.config.syntax.ConfigException;
import io.hotpath.daemon.config.syntax.YamlFiles;
import io.hotpath.daemon.config.syntax.KeySpelling;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.detect.AnomalySettings;
import io.hotpath.daemon.slo.SloFile;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One key style: kebab-case in every file; the old snake_case spellings read the same, warned about once per line. */
class KeySpellingTest
{
    private final List<String> warnings = new ArrayList<>();
    private final Logger logger = Logger.getLogger(KeySpelling.class.getName());
    private final Handler handler = new Handler()
    {
        @Override
        public void publish(final LogRecord record)
        {
            warnings.add(record.getMessage());
        }

        @Override
        public void flush()
        {
        }

        @Override
        public void close()
        {
        }
    };

    @BeforeEach
    void capture()
    {
        logger.addHandler(handler);
    }

    @AfterEach
    void release()
    {
        logger.removeHandler(handler);
    }

    private static final String SLO_KEBAB = """
        burn-rate-alerts:
          - {severity: ticket, long-window: 2h, short-window: 10m, factor: 2}
        slos:
          - name: a
            sli: {latency: {metric: transport_send, labels: {error_type: none}, threshold: 100ms}}
            target: 0.99
            window: 7d
        """;

    @Test
    void sloFilesReadKebabAndSnakeCaseAlike() throws Exception
    {
        final SloFile kebab = SloFile.parse(SLO_KEBAB, "kebab.yaml");
        final String snakeText = SLO_KEBAB.replace("burn-rate-alerts", "burn_rate_alerts").replace("long-window", "long_window")
            .replace("short-window", "short_window");
        final SloFile snake = SloFile.parse(snakeText, "old-slo.yaml");
        assertEquals(kebab.slos(), snake.slos());
        assertEquals("none", kebab.slo("a").sli().labels().get("error_type"), "label names keep their spelling");
        assertTrue(warnings.stream().noneMatch(w -> w.contains("kebab.yaml")), warnings.toString());
        assertTrue(warnings.contains("old-slo.yaml:1: 'burn_rate_alerts' is the old spelling of 'burn-rate-alerts'; "
            + "snake_case keys are read until the next release"), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("old-slo.yaml:2: burn_rate_alerts[0]: 'long_window'")), warnings.toString());
        final int count = warnings.size();
        SloFile.parse(snakeText, "old-slo.yaml");
        assertEquals(count, warnings.size(), "a reload does not warn again");

        final ConfigException both = assertThrows(ConfigException.class, () -> SloFile.parse(
            "burn_rate_alerts: []\nburn-rate-alerts: []\nslos: []\n", "both.yaml"));
        assertTrue(both.getMessage().startsWith("both.yaml:1: burn_rate_alerts: given twice"), both.getMessage());
    }

    @Test
    void anomalySettingsReadKebabCaseWhileSignalNamesKeepTheirs() throws Exception
    {
        final AnomalySettings kebab = AnomalySettings.fromYaml(YamlFiles.parse("""
            max-series: 500
            signals:
              latency_p99: {min-deviation: 0.002, zscore: {min-duration: 5s}}
            """, "a.yaml"));
        final AnomalySettings snake = AnomalySettings.fromYaml(YamlFiles.parse("""
            max_series: 500
            signals:
              latency_p99: {min_deviation: 0.002, zscore: {min_duration: 5s}}
            """, "old-a.yaml"));
        assertEquals(500, snake.maxSeries());
        assertEquals(kebab.forMetric("m"), snake.forMetric("m"));
        assertTrue(!kebab.forMetric("m").equals(AnomalySettings.defaults().forMetric("m")), "the kebab-case keys were read");
        assertEquals(3, warnings.stream().filter(w -> w.startsWith("old-a.yaml:")).count(), warnings.toString());
        final ConfigException e = assertThrows(ConfigException.class, () -> AnomalySettings.fromYaml(YamlFiles.parse(
            "signals:\n  latency-p99: {}\n", "s.yaml")));
        assertTrue(e.getMessage().startsWith("s.yaml:2: signals.latency-p99: unknown field; expected one of latency_p99"),
            e.getMessage());
    }

    @Test
    void hotpathdYamlWarnsAboutItsOldSpellingsOnly() throws Exception
    {
        final DaemonConfig config = ConfigLoader.parse("""
            push:
              grouping-key: {data_center: eu}
            remote_write:
              - url: http://127.0.0.1:9090/api/v1/write
                tls: {insecure_skip_verify: true}
            """, "old-h.yaml");
        assertEquals(1, config.getRemoteWrite().size());
        assertEquals(List.of(
            "old-h.yaml:3: 'remote_write' is the old spelling of 'remote-write'; snake_case keys are read until the next release",
            "old-h.yaml:5: remote_write[0].tls: 'insecure_skip_verify' is the old spelling of 'insecure-skip-verify'; "
                + "snake_case keys are read until the next release"), warnings);
    }
}
