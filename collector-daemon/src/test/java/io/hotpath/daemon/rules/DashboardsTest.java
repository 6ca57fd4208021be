package io.hotpath.daemon.rules;

import io.hotpath.daemon.DashboardsCommand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import io.hotpath.daemon.slo.SloFile;

/** Every query of every dashboard reads only names hotpathd exposes or the generated rules record. */
class DashboardsTest
{
    private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((.*),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\)$");

    /** METRICS.md families (histograms as their samples), the hotspot names used, up, and recorded names. */
    static Set<String> knownNames() throws Exception
    {
        final Set<String> known = new HashSet<>();
        for (final String family : MetricNames.EXPOSED)
        {
            known.addAll(MetricNames.sampleNames(family));
        }
        for (final String hotspot : MetricNames.HOTSPOT_USED)
        {
            assertTrue(MetricNames.HOTSPOT_PREFIXES.stream().anyMatch(hotspot::startsWith), hotspot);
            known.add(hotspot);
        }
        known.add(MetricNames.PROMETHEUS_UP);
        known.addAll(new RuleFileGenerator(RuleFileGenerator.Settings.defaults())
            .recordedNames(SloFile.load(Path.of("src/main/resources/examples/slo-demo.yaml"))));
        return known;
    }

    @Test
    void everyQueryUsesOnlyKnownMetricNames() throws Exception
    {
        final Set<String> known = knownNames();
        final Set<String> used = new TreeSet<>();
        int queries = 0;
        for (final var dashboard : new DashboardGenerator().generate().entrySet())
        {
            final JsonNode root = new ObjectMapper().readTree(DashboardGenerator.toJson(dashboard.getValue()));
            final List<String> exprs = new ArrayList<>();
            root.get("panels").forEach(panel -> panel.get("targets").forEach(target -> exprs.add(target.get("expr").asText())));
            for (final JsonNode variable : root.get("templating").get("list"))
            {
                if (variable.get("type").asText().equals("query"))
                {
                    final Matcher matcher = LABEL_VALUES.matcher(variable.get("query").get("query").asText());
                    assertTrue(matcher.matches(), variable.toString());
                    exprs.add(matcher.group(1));
                }
            }
            for (final String expr : exprs)
            {
                queries++;
                final Set<String> names = PromQlNames.of(expr);
                assertFalse(names.isEmpty(), dashboard.getKey() + ": no metric in " + expr);
                for (final String name : names)
                {
                    assertTrue(known.contains(name), dashboard.getKey() + ": unknown metric " + name + " in " + expr);
                }
                used.addAll(names);
            }
        }
        assertTrue(queries > 60, queries + " queries");
        // The dashboards cover the contract: every per-series, anomaly, SLO, agent and daemon family.
        final Set<String> unused = new TreeSet<>();
        for (final String family : MetricNames.EXPOSED)
        {
            if (MetricNames.sampleNames(family).stream().noneMatch(used::contains))
            {
                unused.add(family);
            }
        }
        assertEquals(Set.of(), unused);
    }

    @Test
    void theCheckCatchesAnUnknownName() throws Exception
    {
        final Set<String> names = PromQlNames.of("rate(hotpath_call_total[5m])");
        assertFalse(knownNames().containsAll(names), "a misspelt family is not known");
    }

    @Test
    void dashboardsAreWellFormed() throws Exception
    {
        final Set<String> uids = new HashSet<>();
        for (final var dashboard : new DashboardGenerator().generate().entrySet())
        {
            final JsonNode root = dashboard.getValue();
            assertTrue(uids.add(root.get("uid").asText()), "unique uid");
            assertTrue(root.get("panels").size() >= 6, dashboard.getKey());
            final Set<Integer> ids = new HashSet<>();
            for (final JsonNode panel : root.get("panels"))
            {
                assertTrue(ids.add(panel.get("id").asInt()));
                final JsonNode grid = panel.get("gridPos");
                assertTrue(grid.get("x").asInt() + grid.get("w").asInt() <= 24, panel.toString());
                assertTrue(panel.get("targets").size() >= 1);
                assertEquals("${datasource}", panel.get("datasource").get("uid").asText());
            }
        }
        assertEquals(Set.of("hotpath-overview", "hotpath-transport", "hotpath-p2p", "hotpath-migration", "hotpath-slo",
            "hotpath-self"), uids);
    }

    @Test
    void commandWritesOneFilePerDashboard(@TempDir final Path dir) throws Exception
    {
        final StringWriter out = new StringWriter();
        final CommandLine commandLine = new CommandLine(new DashboardsCommand());
        commandLine.setOut(new PrintWriter(out));
        assertEquals(0, commandLine.execute("--out", dir.resolve("grafana").toString()));
        try (var files = Files.list(dir.resolve("grafana")))
        {
            assertEquals(6, files.count());
        }
        final JsonNode slo = new ObjectMapper().readTree(dir.resolve("grafana/hotpath-slo.json").toFile());
        assertEquals("hotpath / SLOs and error budgets", slo.get("title").asText());
    }
}
