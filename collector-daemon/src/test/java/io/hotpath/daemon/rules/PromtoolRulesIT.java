package io.hotpath.daemon.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

import io.hotpath.daemon.slo.BurnRateAlert;
import io.hotpath.daemon.slo.SloDefinition;
import io.hotpath.daemon.slo.SloFile;

/**
 * The generated rule file in the real promtool: {@code check rules} accepts it, and
 * {@code test rules} shows the burn-rate alerts firing and not firing on synthetic series. The
 * expected alerts (labels, annotations) come from the generator itself, so the test follows the
 * rules; the times and series are chosen by hand, with the arithmetic in the comments.
 */
class PromtoolRulesIT
{
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final Path DEMO = Path.of("src/main/resources/examples/slo-demo.yaml");
    private static final Path EXTRA = Path.of("src/test/resources/slo/promtool-extra-slos.yaml");

    private static SloFile slos;
    private static RuleFileGenerator generator;

    @BeforeAll
    static void generate() throws Exception
    {
        final List<SloDefinition> all = new ArrayList<>(SloFile.load(DEMO).slos());
        all.addAll(SloFile.load(EXTRA).slos());
        slos = new SloFile("slo-demo.yaml + promtool-extra-slos.yaml", all);
        generator = new RuleFileGenerator(RuleFileGenerator.Settings.defaults());
    }

    private record Result(int exitCode, String output)
    {
    }

    private static Result promtool(final Path dir, final String... args) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(PROMTOOL.toString());
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        return new Result(process.exitValue(), output);
    }

    private static Path writeRules(final Path dir) throws IOException
    {
        final Path rules = dir.resolve("rules.yml");
        Files.writeString(rules, generator.toYaml(slos), StandardCharsets.UTF_8);
        return rules;
    }

    @Test
    void promtoolAcceptsTheGeneratedRules(@TempDir final Path dir) throws Exception
    {
        assumeTrue(Files.isExecutable(PROMTOOL), "promtool not installed");
        writeRules(dir);
        final Result result = promtool(dir, "check", "rules", "rules.yml");
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("SUCCESS"), result.output());
    }

    @Test
    void burnRateAlertsFireAndStayQuietAsTheWorkbookSays(@TempDir final Path dir) throws Exception
    {
        assumeTrue(Files.isExecutable(PROMTOOL), "promtool not installed");
        writeRules(dir);
        Files.writeString(dir.resolve("tests.yml"), testFile(true), StandardCharsets.UTF_8);
        final Result result = promtool(dir, "test", "rules", "tests.yml");
        assertEquals(0, result.exitCode(), result.output() + "\n--- tests.yml\n" + testFile(true));
        assertTrue(result.output().contains("SUCCESS"), result.output());
    }

    @Test
    void aWrongExpectationFailsSoTheTestsAboveMeanSomething(@TempDir final Path dir) throws Exception
    {
        assumeTrue(Files.isExecutable(PROMTOOL), "promtool not installed");
        writeRules(dir);
        Files.writeString(dir.resolve("tests.yml"), testFile(false), StandardCharsets.UTF_8);
        final Result result = promtool(dir, "test", "rules", "tests.yml");
        assertNotEquals(0, result.exitCode(), result.output());
    }

    /** The promtool test file; {@code honest = false} expects a page where none fires. */
    static String testFile(final boolean honest)
    {
        final SloDefinition connectSuccess = slos.slo("p2p-connect-success");
        final SloDefinition send = slos.slo("transport-send-latency");
        final SloDefinition connect = slos.slo("connect-latency");
        final SloDefinition migrate = slos.slo("migrate-latency");
        final List<Object> tests = new ArrayList<>();
        final String p2p = "{service=\"demo\",metric=\"p2p_connect\",kind=\"p2p\"";

        // 1. p2p-connect-success (target 0.999, budget 0.001): 2 % errors from the start. At 70m
        //    every window reads 0.02 = burn 20 > 14.4 (1h and 5m) and > 3 (1d and 2h): page and ticket.
        tests.add(group("steady 2 % errors page and ticket", "1m",
            List.of(series("hotpath_calls_total" + p2p + ",outcome=\"ok\",error_type=\"\"}", "0+980x120"),
                series("hotpath_calls_total" + p2p + ",outcome=\"error\",error_type=\"IOException\"}", "0+20x120")),
            List.of(alertTest("70m", RuleFileGenerator.BURN_PAGE_ALERT, List.of(expected(connectSuccess, BurnRateAlert.PAGE))),
                alertTest("70m", RuleFileGenerator.BURN_TICKET_ALERT, List.of(expected(connectSuccess, BurnRateAlert.TICKET))),
                alertTest("70m", "HotpathHighErrorRatio", List.of(standard("HotpathHighErrorRatio", Map.of(
                    "service", "demo", "metric", "p2p_connect", "kind", "p2p"), Map.of(
                    "summary", "p2p_connect in demo fails more than 1 %",
                    "description", "2% of p2p_connect (p2p) calls in demo have failed over the last 5 minutes.")))))));

        // 2. 0.05 % errors: burn 0.5 everywhere, below every factor (the smallest is 1): nothing fires.
        tests.add(group("errors within budget raise nothing", "1m",
            List.of(series("hotpath_calls_total" + p2p + ",outcome=\"ok\",error_type=\"\"}", "0+9995x120"),
                series("hotpath_calls_total" + p2p + ",outcome=\"error\",error_type=\"IOException\"}", "0+5x120")),
            List.of(alertTest("70m", RuleFileGenerator.BURN_PAGE_ALERT, List.of()),
                alertTest("70m", RuleFileGenerator.BURN_TICKET_ALERT, List.of()))));

        // 3. 2 % errors for 60 minutes, then none. At 70m the 5m window is clean (first page pair off)
        //    but 30m = 400/30000 = 1.3 % and 6h = 1200/70000 = 1.7 % exceed 6 x 0.001: still paged.
        //    At 95m the 30m window is clean too and 1h = 500/60000 = 0.83 % < 1.44 %: the page has
        //    stopped, while the ticket (1d and 2h: 1200/95000 = 1.3 % > 0.3 %) still holds.
        tests.add(group("the page stops soon after the errors, the ticket stays", "1m",
            List.of(series("hotpath_calls_total" + p2p + ",outcome=\"ok\",error_type=\"\"}", "0+980x60 58800+1000x60"),
                series("hotpath_calls_total" + p2p + ",outcome=\"error\",error_type=\"IOException\"}", "0+20x60 1200+0x60")),
            List.of(alertTest("70m", RuleFileGenerator.BURN_PAGE_ALERT, List.of(expected(connectSuccess, BurnRateAlert.PAGE))),
                alertTest("95m", RuleFileGenerator.BURN_PAGE_ALERT,
                    honest ? List.of() : List.of(expected(connectSuccess, BurnRateAlert.PAGE))),
                alertTest("95m", RuleFileGenerator.BURN_TICKET_ALERT, List.of(expected(connectSuccess, BurnRateAlert.TICKET))))));

        // 4. 6 clean hours, then a 2-minute burst of 10 % errors: 5m = 4 % but 1h = 200/60000 = 0.33 %
        //    < 1.44 %, 30m = 0.67 % > 0.6 % but 6h = 0.056 % < 0.6 %; tickets: 2h = 0.17 % < 0.3 %,
        //    6h < 0.1 %. A short burst pages nobody.
        tests.add(group("a short burst pages nobody", "1m",
            List.of(series("hotpath_calls_total" + p2p + ",outcome=\"ok\",error_type=\"\"}", "0+1000x360 360000+900x2 361800+1000x10"),
                series("hotpath_calls_total" + p2p + ",outcome=\"error\",error_type=\"IOException\"}", "0+0x360 0+100x2 200+0x10")),
            List.of(alertTest("363m", RuleFileGenerator.BURN_PAGE_ALERT, List.of()),
                alertTest("363m", RuleFileGenerator.BURN_TICKET_ALERT, List.of()))));

        // 5. Per-call latency, connect-latency (100 ms, le="0.1" as Java writes it) and migrate-latency
        //    (1 s, le="1" as Go writes it), target 0.99: 20 % of connects over 100 ms = burn 20, paged;
        //    0.5 % of migrations over 1 s = burn 0.5, quiet. The +Inf bucket must not be mistaken for them.
        final String connectSeries = "{service=\"demo\",metric=\"p2p_connect\",kind=\"p2p\"";
        final String migrateSeries = "{service=\"demo\",metric=\"vm_migrate\",kind=\"migration\"";
        tests.add(group("per-call latency SLOs count the threshold bucket", "1m",
            List.of(series("hotpath_duration_seconds_bucket" + connectSeries + ",le=\"0.1\"}", "0+800x120"),
                series("hotpath_duration_seconds_bucket" + connectSeries + ",le=\"+Inf\"}", "0+1000x120"),
                series("hotpath_duration_seconds_count" + connectSeries + "}", "0+1000x120"),
                series("hotpath_duration_seconds_bucket" + migrateSeries + ",le=\"1\"}", "0+995x120"),
                series("hotpath_duration_seconds_bucket" + migrateSeries + ",le=\"+Inf\"}", "0+1000x120"),
                series("hotpath_duration_seconds_count" + migrateSeries + "}", "0+1000x120")),
            List.of(alertTest("70m", RuleFileGenerator.BURN_PAGE_ALERT, List.of(expected(connect, BurnRateAlert.PAGE))),
                alertTest("70m", RuleFileGenerator.BURN_TICKET_ALERT, List.of(expected(connect, BurnRateAlert.TICKET))))));
        assertTrue(migrate != null);

        // 6. Time-sliced transport-send-latency (p95 under 100 ms in 99 % of minutes): 60 good minutes
        //    (99 % fast) then 30 bad ones (80 % fast). At 90m: 1h = 30/60 bad = 50 % > 14.4 % and 5m all
        //    bad: paged; ticket too (2h and 1d: 30/90 > 3 %). At 50m nothing is wrong yet.
        final String sendSeries = "{service=\"demo\",metric=\"transport_send\",kind=\"transport\"";
        tests.add(group("time-sliced latency pages when minutes miss the percentile", "15s",
            List.of(series("hotpath_duration_seconds_bucket" + sendSeries + ",le=\"0.1\"}", "0+247.5x240 59400+200x120"),
                series("hotpath_duration_seconds_count" + sendSeries + "}", "0+250x360")),
            List.of(alertTest("50m", RuleFileGenerator.BURN_PAGE_ALERT, List.of()),
                alertTest("90m", RuleFileGenerator.BURN_PAGE_ALERT, List.of(expected(send, BurnRateAlert.PAGE))),
                alertTest("90m", RuleFileGenerator.BURN_TICKET_ALERT, List.of(expected(send, BurnRateAlert.TICKET))))));

        final Map<String, Object> file = new LinkedHashMap<>();
        file.put("rule_files", List.of("rules.yml"));
        file.put("evaluation_interval", "1m");
        file.put("tests", tests);
        return new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setWidth(240).build())
            .dumpToString(file);
    }

    private static Map<String, Object> group(
        final String name, final String interval, final List<Object> series, final List<Object> alertTests)
    {
        final Map<String, Object> group = new LinkedHashMap<>();
        group.put("name", name);
        group.put("interval", interval);
        group.put("input_series", series);
        group.put("alert_rule_test", alertTests);
        return group;
    }

    private static Map<String, Object> series(final String series, final String values)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("series", series);
        map.put("values", values);
        return map;
    }

    private static Map<String, Object> alertTest(final String evalTime, final String alertname, final List<Object> expected)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("eval_time", evalTime);
        map.put("alertname", alertname);
        map.put("exp_alerts", expected);
        return map;
    }

    /** The alert the generator writes for this SLO and severity, as promtool reports it. */
    private static Map<String, Object> expected(final SloDefinition slo, final String severity)
    {
        final PrometheusRule rule = generator.burnRateAlert(slo, severity);
        final Map<String, Object> alert = new LinkedHashMap<>();
        // The recorded series' labels (slo, tier, the SLO's) and the rule's (the same, plus severity).
        final Map<String, String> labels = new LinkedHashMap<>(slo.exposedLabels());
        labels.putAll(rule.labels());
        alert.put("exp_labels", labels);
        alert.put("exp_annotations", new LinkedHashMap<>(rule.annotations()));
        return alert;
    }

    private static Map<String, Object> standard(
        final String alertname, final Map<String, String> seriesLabels, final Map<String, String> annotations)
    {
        final Map<String, Object> alert = new LinkedHashMap<>();
        final Map<String, String> labels = new LinkedHashMap<>(seriesLabels);
        labels.put("severity", BurnRateAlert.TICKET);
        alert.put("exp_labels", labels);
        alert.put("exp_annotations", new LinkedHashMap<>(annotations));
        return alert;
    }
}
