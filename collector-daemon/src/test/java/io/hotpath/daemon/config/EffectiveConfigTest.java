package io.hotpath.daemon.config;

import io.hotpath.daemon.config.syntax.ConfigException;
import io.hotpath.wire.config.Sizes;
import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import java.util.HashMap;
import io.hotpath.daemon.Hotpathd;

/** HOTPATHD_* variables for every key, precedence flag > env > file > default, and the README's table. */
class EffectiveConfigTest
{
    @TempDir
    Path temp;

    @Test
    void everyKeyOfTheModelHasAVariableIncludingNestedMapEntries()
    {
        final List<String> keys = ConfigKeys.all().stream().map(ConfigKeys.Key::path).toList();
        for (final String key : List.of("listen", "spool.dir", "spool.scan-interval", "spool.retention.max-age",
            "spool.retention.max-total-size", "state.dir", "aggregation.histogram-buckets", "push.grouping-key",
            "push.delete-on-shutdown", "anomaly.enabled", "anomaly.file", "slo.file", "metrics.quantile-windows"))
        {
            assertTrue(keys.contains(key), key + " missing from " + keys);
        }
        assertFalse(keys.contains("anomaly.settings"), "the inline document is file-only");
        assertEquals("HOTPATHD_SPOOL_RETENTION_MAX_AGE", ConfigKeys.envVariable("spool.retention.max-age"));
        assertEquals("spool.retention.max-age", ConfigKeys.byEnvVariable("HOTPATHD_SPOOL_RETENTION_MAX_AGE").path());
        assertEquals("127.0.0.1:9464", ConfigKeys.byEnvVariable("HOTPATHD_LISTEN").defaultValue());
    }

    @Test
    void flagBeatsEnvironmentBeatsFileBeatsDefault() throws Exception
    {
        final Path file = Files.writeString(temp.resolve("hotpathd.yaml"),
            "listen: 127.0.0.1:1111\nspool:\n  dir: /from/file\n  scan-interval: 3s\nstate:\n  dir: /state/file\n");
        final EffectiveConfig effective = EffectiveConfig.load(file, Map.of(
                "HOTPATHD_LISTEN", "127.0.0.1:2222",
                "HOTPATHD_SPOOL_DIR", "/from/env",
                "HOTPATHD_SPOOL_RETENTION_MAX_AGE", "3d",
                "HOTPATHD_METRICS_QUANTILE_WINDOWS", "[1m, 5m]",
                "HOTPATHD_PUSH_GROUPING_KEY", "{dc: eu-1}",
                "HOTPATHD_HEAP", "-Xmx1g",
                "HOTPATHD_PORT", "tcp://10.0.0.1:9464",
                "PATH", "/usr/bin"),
            List.of(new EffectiveConfig.Flag("--listen", "listen", "127.0.0.1:3333")));
        final DaemonConfig config = effective.config();
        assertEquals(3333, config.listenAddress().getPort());
        assertEquals(Path.of("/from/env"), config.getSpool().dir());
        assertEquals(3000, config.getSpool().scanIntervalMillis(), "the file's other spool keys survive the variable");
        assertEquals(3L * 24 * 3600 * 1000, config.getSpool().maxAgeMillis());
        assertEquals(Sizes.bytes("2GiB"), config.getSpool().maxTotalBytes(), "the other retention key keeps its default");
        assertEquals(Path.of("/state/file"), config.getState().dir());
        assertEquals(List.of("1m", "5m"), config.getMetrics().settings().quantileWindows());
        assertEquals(Map.of("dc", "eu-1"), config.getPush().groupingKey());
        assertEquals(List.of("HOTPATHD_PORT"), effective.ignoredVariables(), "launcher variables are not reported, unknown ones are");

        final Map<String, EffectiveConfig.Setting> byKey = new HashMap<>();
        effective.settings().forEach(s -> byKey.put(s.key(), s));
        assertEquals(EffectiveConfig.Origin.FLAG, byKey.get("listen").origin());
        assertEquals("--listen", byKey.get("listen").from());
        assertEquals(EffectiveConfig.Origin.ENV, byKey.get("spool.dir").origin());
        assertEquals("HOTPATHD_SPOOL_DIR", byKey.get("spool.dir").from());
        assertEquals(EffectiveConfig.Origin.FILE, byKey.get("spool.scan-interval").origin());
        assertEquals("3s", byKey.get("spool.scan-interval").value());
        assertEquals(EffectiveConfig.Origin.DEFAULT, byKey.get("push.interval").origin());
        assertEquals("15s", byKey.get("push.interval").value());
    }

    @Test
    void aBadVariableIsNamedWithWhatWasExpected()
    {
        final ConfigException e = assertThrows(ConfigException.class, () -> EffectiveConfig.load(null,
            Map.of("HOTPATHD_STATE_CHECKPOINT_INTERVAL", "often"), List.of()));
        assertTrue(e.getMessage().startsWith("environment HOTPATHD_STATE_CHECKPOINT_INTERVAL=often: state.checkpoint-interval: "), e.getMessage());
        assertTrue(e.getMessage().contains("duration"), e.getMessage());
        final ConfigException listen = assertThrows(ConfigException.class, () -> EffectiveConfig.load(null,
            Map.of(), List.of(new EffectiveConfig.Flag("--listen", "listen", "localhost"))));
        assertTrue(listen.getMessage().startsWith("--listen: listen: expected HOST:PORT"), listen.getMessage());
    }

    @Test
    void checkConfigPrintsEverySettingWithItsSourceAndExitsTwoOnErrors() throws Exception
    {
        final Path file = Files.writeString(temp.resolve("hotpathd.yaml"), "spool:\n  dir: /srv/spool\n");
        final StringWriter out = new StringWriter();
        final CommandLine command = Hotpathd.commandLine();
        command.setOut(new PrintWriter(out));
        assertEquals(0, command.execute("check-config", "--config", file.toString(), "--listen", "127.0.0.1:9999"));
        final String text = out.toString();
        assertTrue(text.startsWith(file + ": valid"), text);
        assertTrue(Pattern.compile("(?m)^spool\\.dir +file +/srv/spool$").matcher(text).find(), text);
        assertTrue(Pattern.compile("(?m)^listen +flag +127\\.0\\.0\\.1:9999 +\\(--listen\\)$").matcher(text).find(), text);
        assertTrue(Pattern.compile("(?m)^push\\.job +default +hotpathd_push$").matcher(text).find(), text);

        final Path bad = Files.writeString(temp.resolve("bad.yaml"), "spool:\n  dri: /x\n");
        final StringWriter err = new StringWriter();
        final CommandLine again = Hotpathd.commandLine();
        again.setErr(new PrintWriter(err));
        assertEquals(2, again.execute("check-config", "--config", bad.toString()));
        assertTrue(err.toString().contains(bad + ":2:") && err.toString().contains("unknown field 'dri'"), err.toString());
    }

    /** The table in collector-daemon/README.md is the generated one; regenerate with `hotpathd check-config --env-table`. */
    @Test
    void readmeTableIsTheGeneratedOne() throws Exception
    {
        final String readme = Files.readString(Path.of("README.md"));
        final Matcher table = Pattern.compile("<!-- env-table: generated by `hotpathd check-config --env-table`[^>]*-->\n(.*?)<!-- /env-table -->",
            Pattern.DOTALL).matcher(readme);
        assertTrue(table.find(), "collector-daemon/README.md has no generated env table");
        assertEquals(ConfigKeys.markdownTable(), table.group(1),
            "collector-daemon/README.md's env table is stale; replace it with the output of `hotpathd check-config --env-table`");
    }

    /** The act sections list every key (issue 18): not one opaque "alerting" value each. */
    @Test
    void theActSectionsListEveryKey()
    {
        final List<String> keys = ConfigKeys.all().stream().map(ConfigKeys.Key::path).toList();
        for (final String key : List.of("alerting.alertmanagers", "alerting.resend-interval", "alerting.labels",
            "incidents.retention.max-count", "incidents.retention.max-age", "incidents.restart-grace",
            "remediation.enabled", "remediation.approval-token-file", "remediation.approval-expiry", "remediation.actions"))
        {
            assertTrue(keys.contains(key), key + " missing from " + keys);
        }
        assertFalse(keys.contains("alerting") || keys.contains("incidents") || keys.contains("remediation"), keys.toString());
        assertEquals("duration", ConfigKeys.byEnvVariable("HOTPATHD_ALERTING_RESEND_INTERVAL").expects());
        assertEquals("size", ConfigKeys.byEnvVariable("HOTPATHD_SPOOL_RETENTION_MAX_TOTAL_SIZE").expects());
    }

    /**
     * The files a config names are read once file, variables and flags are applied (not by a setter
     * while the file is bound): a variable that names another SLO file replaces the file's, which is
     * never read, and a mistake in the variable's file names the variable.
     */
    @Test
    void namedFilesAreReadAfterEveryOverlayAndErrorsNameTheirSource() throws Exception
    {
        final Path file = Files.writeString(temp.resolve("hotpathd.yaml"), "slo:\n  file: /nonexistent/slo.yaml\n");
        final Path good = Files.writeString(temp.resolve("slo.yaml"),
            "slos:\n  - {name: a, sli: {success: {metric: m}}, target: 0.99, window: 7d}\n");
        final EffectiveConfig effective = EffectiveConfig.load(file, Map.of("HOTPATHD_SLO_FILE", good.toString()), List.of());
        assertEquals(1, effective.config().getSlo().slos().slos().size());

        final Path bad = Files.writeString(temp.resolve("bad.yaml"), "slos:\n  - {name: a}\n");
        final ConfigException e = assertThrows(ConfigException.class,
            () -> EffectiveConfig.load(file, Map.of("HOTPATHD_SLO_FILE", bad.toString()), List.of()));
        assertTrue(e.getMessage().startsWith("environment HOTPATHD_SLO_FILE=" + bad + ": slo.file: " + bad + ":2: slos[0]"),
            e.getMessage());

        final ConfigException missing = assertThrows(ConfigException.class, () -> EffectiveConfig.load(file, Map.of(), List.of()));
        assertTrue(missing.getMessage().startsWith(file + ":2: field slo.file: /nonexistent/slo.yaml"), missing.getMessage());
    }

    /** A file named programmatically but never read by the loader fails loudly: no listener without its TLS. */
    @Test
    void aNamedFileThatWasNotReadIsNeverSilentlyIgnored()
    {
        final DaemonConfig config = new DaemonConfig();
        config.getWeb().setConfigFile("/nonexistent/web.yaml");
        config.getSlo().setFile("/nonexistent/slo.yaml");
        config.getAnomaly().setFile("/nonexistent/anomaly.yaml");
        assertThrows(IllegalStateException.class, () -> config.getWeb().config());
        assertThrows(IllegalStateException.class, () -> config.getSlo().slos());
        assertThrows(IllegalStateException.class, () -> config.getAnomaly().settings());
    }
}
