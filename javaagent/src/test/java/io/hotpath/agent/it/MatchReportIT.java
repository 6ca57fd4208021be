package io.hotpath.agent.it;

import io.hotpath.agent.testapp.TestApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.List;

/**
 * The match report in a real JVM: one line per rule some time after start — what it matched, or
 * "matched nothing" with the closest loaded names (a misspelt class, a misspelt method, a simple
 * name where a fully qualified one is needed); and the offline check of the same rules against the
 * class path (exit 2 when a rule matches nothing there, 0 when all match).
 */
class MatchReportIT
{
    @TempDir
    Path temp;

    private static final String RULES = "rules:\n" +
        "  - type: { name: io.hotpath.agent.testapp.TestApp }\n" +
        "    method: tick\n" +
        "    metric: test_tick\n" +
        "  - type: { name: io.hotpath.agent.testapp.TestAp }\n" +
        "    method: tick\n" +
        "    metric: misspelt_class\n" +
        "  - type: { name: io.hotpath.agent.testapp.TestApp }\n" +
        "    method: tik\n" +
        "    metric: misspelt_method\n" +
        "  - type: { name: TestApp }\n" +
        "    method: tick\n" +
        "    metric: simple_name\n";

    @Test
    void eachRuleSaysWhatItMatchedOrTheClosestLoadedNames() throws Exception
    {
        final Path rules = temp.resolve("rules.yaml");
        Files.writeString(rules, RULES);
        final ForkedJvm.Result run = ForkedJvm.run(ForkedJvm.command(ForkedJvm.java17(),
            "config=" + rules + ",spool.dir=" + temp.resolve("spool") + ",report.delayMs=2500",
            "-cp", ForkedJvm.testClasses().toString(), TestApp.class.getName(), "sleep-then-burst", "4000", "100"), 60);
        assertEquals(0, run.exitCode(), run.stderr());
        final String err = run.stderr();
        // at the default level (warn) only the rules that matched nothing are reported
        assertTrue(err.contains("[hotpath] WARN match report (start): rule at " + rules + ":5:5 (metric misspelt_class): matched nothing: " +
            "no class io.hotpath.agent.testapp.TestAp is loaded; closest loaded classes: io.hotpath.agent.testapp.TestApp"), err);
        assertTrue(err.contains("rule at " + rules + ":8:5 (metric misspelt_method): matched nothing: io.hotpath.agent.testapp.TestApp " +
            "has no method tik that can be instrumented; closest methods: tick"), err);
        assertTrue(err.contains("rule at " + rules + ":11:5 (metric simple_name): matched nothing: no class TestApp is loaded; " +
            "closest loaded classes: io.hotpath.agent.testapp.TestApp"), err);
        assertTrue(err.contains("(type names must be fully qualified, e.g. java.lang.String)"), err);
        assertTrue(!err.contains("test_tick"), "matched rules are reported at info: " + err);

        final ForkedJvm.Result info = ForkedJvm.run(ForkedJvm.command(ForkedJvm.java17(),
            "config=" + rules + ",spool.dir=" + temp.resolve("spool2") + ",report.delayMs=2500,log.level=info",
            "-cp", ForkedJvm.testClasses().toString(), TestApp.class.getName(), "sleep-then-burst", "4000", "100"), 60);
        assertTrue(info.stderr().contains("[hotpath] INFO match report (start): rule at " + rules + ":2:5 (metric test_tick): matched 1 method: " +
            "io.hotpath.agent.testapp.TestApp.tick(int)"), info.stderr());
    }

    @Test
    void theOfflineCheckReadsTheClassPathAndExitsTwoWhenARuleMatchesNothing() throws Exception
    {
        final Path rules = temp.resolve("rules.yaml");
        Files.writeString(rules, RULES);
        final ForkedJvm.Result bad = ForkedJvm.run(List.of(ForkedJvm.java17(), "-jar", ForkedJvm.agentJar().toString(), "check",
            "--rules", rules.toString(), "--classpath", ForkedJvm.testClasses().toString()), 60);
        assertEquals(2, bad.exitCode(), bad.stdout() + bad.stderr());
        final String out = bad.stdout();
        assertTrue(out.contains("ok       rule at " + rules + ":2:5 (metric test_tick): matched 1 method: io.hotpath.agent.testapp.TestApp.tick(int)"), out);
        assertTrue(out.contains("NOTHING  rule at " + rules + ":5:5 (metric misspelt_class): matched nothing: no class " +
            "io.hotpath.agent.testapp.TestAp is on the class path; closest on the class path classes: io.hotpath.agent.testapp.TestApp"), out);
        assertTrue(out.contains("NOTHING  rule at " + rules + ":8:5 (metric misspelt_method): matched nothing: " +
            "io.hotpath.agent.testapp.TestApp has no method tik that can be instrumented; closest methods: tick"), out);
        assertTrue(out.contains("3 of 4 rules match nothing"), out);

        final Path good = temp.resolve("good.yaml");
        Files.writeString(good, RULES.substring(0, RULES.indexOf("  - type: { name: io.hotpath.agent.testapp.TestAp }")));
        final ForkedJvm.Result ok = ForkedJvm.run(List.of(ForkedJvm.java17(), "-jar", ForkedJvm.agentJar().toString(), "check",
            "--rules", good.toString(), "--packs", "jdk-httpclient", "--classpath", ForkedJvm.testClasses().toString()), 60);
        assertEquals(0, ok.exitCode(), ok.stdout() + ok.stderr());
        assertTrue(ok.stdout().contains("jdk.internal.net.http.HttpClientFacade.send("), "JDK classes are checked too: " + ok.stdout());
        assertTrue(ok.stdout().contains("all 3 rules match"), ok.stdout());
    }
}
