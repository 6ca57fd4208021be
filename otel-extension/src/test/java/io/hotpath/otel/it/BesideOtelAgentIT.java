package io.hotpath.otel.it;

import io.hotpath.agent.it.SpoolReader;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The standalone {@code -javaagent:hotpath-agent.jar} beside {@code -javaagent:opentelemetry-javaagent.jar},
 * in both orders, and with the hotpath extension loaded into the OTel agent as well: the service
 * starts clean (no class conflicts, nothing on stderr from either agent beyond the OTel agent's own
 * version line), every call is recorded exactly once, and each sample carries the ids of the span the
 * service created through the OpenTelemetry API (read from the OTel agent's context, which bridges it).
 */
class BesideOtelAgentIT
{
    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hotpath first", "otel first", "hotpath first, extension too"})
    void bothAgentsRunAndEveryCallCountsOnceWithItsTrace(final String order) throws Exception
    {
        final Path spool = temp.resolve("spool");
        final String hotpath = "-javaagent:" + DemoRun.hotpathAgentJar() + "=config=" + DemoRun.demoRules() +
            ",spool.dir=" + spool + ",service.name=beside-it";
        final String otel = "-javaagent:" + DemoRun.otelAgentJar();
        final List<String> jvmArgs = new ArrayList<>(order.startsWith("hotpath") ? List.of(hotpath, otel) : List.of(otel, hotpath));
        if (order.endsWith("extension too"))
        {
            jvmArgs.add("-Dotel.javaagent.extensions=" + DemoRun.extensionJar());
        }
        final DemoRun.Result run = DemoRun.run(temp, jvmArgs, false, List.of("--calls", "150", "--error-ratio", "0.1"));

        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().contains("spans from the global OpenTelemetry (OTel Java agent)"), run.stdout());
        final List<String> stderr = DemoRun.unexpectedStderr(run.stderr());
        if (order.endsWith("extension too"))
        {
            assertEquals(1, stderr.size(), stderr.toString());
            assertTrue(stderr.get(0).startsWith("[hotpath] WARN the hotpath agent already runs in this JVM (premain)"), stderr.get(0));
        }
        else
        {
            assertEquals(List.of(), stderr);
        }

        final SpoolReader reader = run.queue();
        assertEquals(List.of(), reader.violations);
        assertEquals(150 * 3 + 15 * 3 + 8 * 2, run.calls().size());
        assertEquals(DemoRun.callKeys(run.calls()), DemoRun.sampleKeys(reader),
            "one sample per call, each with the trace and span id the service created");
        assertEquals(0, reader.lastStats().adviceErrors());
    }
}
