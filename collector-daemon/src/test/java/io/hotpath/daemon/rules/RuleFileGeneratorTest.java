package io.hotpath.daemon.rules;

import io.hotpath.daemon.RulesCommand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine;

import io.hotpath.daemon.slo.SloFile;

class RuleFileGeneratorTest
{
    private static final Path DEMO = Path.of("src/main/resources/examples/slo-demo.yaml");

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> groups(final String yaml)
    {
        final Map<String, Object> file = (Map<String, Object>)new Load(LoadSettings.builder().build()).loadFromString(yaml);
        return (List<Map<String, Object>>)file.get("groups");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyExpressionReadsOnlyExposedOrAlreadyRecordedNames() throws Exception
    {
        final SloFile slos = SloFile.load(DEMO);
        final String yaml = new RuleFileGenerator(RuleFileGenerator.Settings.defaults()).toYaml(slos);
        final Set<String> known = new HashSet<>();
        for (final String family : MetricNames.EXPOSED)
        {
            known.addAll(MetricNames.sampleNames(family));
        }
        known.add(MetricNames.PROMETHEUS_UP);
        int alerts = 0;
        for (final Map<String, Object> group : groups(yaml))
        {
            // Rules run in order within a group: a recorded name may be read after it is recorded.
            for (final Map<String, Object> rule : (List<Map<String, Object>>)group.get("rules"))
            {
                for (final String name : PromQlNames.of((String)rule.get("expr")))
                {
                    assertTrue(known.contains(name), group.get("name") + ": " + name + " in " + rule.get("expr"));
                }
                if (rule.containsKey("record"))
                {
                    known.add((String)rule.get("record"));
                }
                else
                {
                    alerts++;
                    final Map<String, String> labels = (Map<String, String>)rule.get("labels");
                    assertTrue(Set.of("page", "ticket").contains(labels.get("severity")), rule.toString());
                    final Map<String, String> annotations = (Map<String, String>)rule.get("annotations");
                    assertTrue(annotations.containsKey("summary") && annotations.containsKey("description"), rule.toString());
                }
            }
        }
        // 4 SLOs x (page + ticket) + 7 standard alerts.
        assertEquals(15, alerts);
    }

    @Test
    @SuppressWarnings("unchecked")
    void burnRateThresholdsAreFactorTimesBudgetWrittenExactly() throws Exception
    {
        final SloFile slos = SloFile.load(DEMO);
        final RuleFileGenerator generator = new RuleFileGenerator(RuleFileGenerator.Settings.defaults());
        final PrometheusRule page = generator.burnRateAlert(slos.slo("p2p-connect-success"), "page");
        assertEquals("(hotpath:slo_error_ratio:rate1h{slo=\"p2p-connect-success\"} > 0.0144 and "
            + "hotpath:slo_error_ratio:rate5m{slo=\"p2p-connect-success\"} > 0.0144) or "
            + "(hotpath:slo_error_ratio:rate6h{slo=\"p2p-connect-success\"} > 0.006 and "
            + "hotpath:slo_error_ratio:rate30m{slo=\"p2p-connect-success\"} > 0.006)", page.expr());
        assertEquals("https://runbooks.example.com/hotpath/p2p-connect-success", page.annotations().get("runbook_url"));

        final List<String> records = new ArrayList<>();
        for (final Map<String, Object> group : groups(generator.toYaml(slos)))
        {
            if (group.get("name").equals("hotpath-slo-vm-migrate-success"))
            {
                for (final Map<String, Object> rule : (List<Map<String, Object>>)group.get("rules"))
                {
                    if (rule.containsKey("record"))
                    {
                        records.add(rule.get("record") + " = " + rule.get("expr"));
                    }
                }
            }
        }
        assertTrue(records.contains("hotpath:slo_error_ratio:rate5m = (sum(rate(hotpath_calls_total{metric=\"vm_migrate\","
            + "outcome=\"error\"}[5m])) or vector(0)) / sum(rate(hotpath_calls_total{metric=\"vm_migrate\"}[5m]))"), records.toString());
        assertTrue(records.contains("hotpath:slo_error_budget_remaining:ratio = 1 - "
            + "hotpath:slo_error_ratio:rate30d{slo=\"vm-migrate-success\"} / 0.01"), records.toString());
        assertTrue(records.contains("hotpath:slo_error_ratio:rate30d = sum_over_time(hotpath:slo_bad_events:rate5m{slo=\"vm-migrate-success\"}[30d])"
            + " / sum_over_time(hotpath:slo_events:rate5m{slo=\"vm-migrate-success\"}[30d])"), "no raw rate(...[30d]): " + records);
        assertTrue(records.stream().noneMatch(r -> r.matches(".*rate\\(hotpath_[a-z_]+\\{[^}]*\\}\\[(6h|1d|3d|30d)\\]\\).*")), records.toString());
        assertEquals(12, records.size(), "8 windows, bad and all events over 5m, target, budget");
    }

    @Test
    void leMatcherAcceptsBothSpellingsOfABound()
    {
        assertEquals("le=~\"0\\\\.10*\"", PromQl.leMatcher(0.1));
        assertEquals("le=~\"1(\\\\.0*)?\"", PromQl.leMatcher(1.0));
        assertEquals("le=~\"0\\\\.00010*\"", PromQl.leMatcher(0.0001));
    }

    @Test
    void rulesCommandWritesTheFileOrNamesTheProblem(@TempDir final Path dir) throws Exception
    {
        final StringWriter err = new StringWriter();
        final CommandLine ok = new CommandLine(new RulesCommand());
        ok.setErr(new PrintWriter(err));
        assertEquals(0, ok.execute("--slo", DEMO.toString(), "--out", dir.resolve("rules.yml").toString()));
        assertTrue(Files.readString(dir.resolve("rules.yml")).contains("alert: HotpathSLOErrorBudgetBurnPage"));
        assertTrue(!err.toString().contains("bucket bound"), "100ms is a default bucket bound: nothing to say: " + err);

        final Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "slos:\n  - name: x\n    sli: {success: {metric: m}}\n    target: 2\n    window: 30d\n");
        final StringWriter badErr = new StringWriter();
        final CommandLine failing = new CommandLine(new RulesCommand());
        failing.setErr(new PrintWriter(badErr));
        assertEquals(2, failing.execute("--slo", bad.toString()));
        assertEquals("rules: " + bad + ":4: slos[0].target: expected a ratio in (0, 1) such as 0.99 or \"99%\", got 2",
            badErr.toString().strip());
    }
}
