package io.hotpath.otel.it;

import io.hotpath.agent.it.SpoolReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real OpenTelemetry Java agent (2.31.1) with {@code hotpath-otel-extension.jar} instruments the
 * demo service, configured as the standalone agent is ({@code -Dhotpath.*}, the same rules file).
 * The demo wraps every call in a span of its own through the OpenTelemetry API, which the OTel
 * agent backs: the queue holds the demo's calls one for one — series, size, outcome, error type —
 * and each sample carries the trace and span id of the span the service created around that call.
 */
class OtelExtensionIT
{
    @TempDir
    Path temp;

    @Test
    void theOtelAgentWithTheExtensionRecordsEveryCallInsideItsSpan() throws Exception
    {
        final Path spool = temp.resolve("spool");
        final DemoRun.Result run = DemoRun.run(temp, List.of(
            "-javaagent:" + DemoRun.otelAgentJar(),
            "-Dotel.javaagent.extensions=" + DemoRun.extensionJar(),
            "-Dhotpath.config=" + DemoRun.demoRules(),
            "-Dhotpath.spool.dir=" + spool,
            "-Dhotpath.service.name=otel-ext-it"),
            false, List.of("--calls", "200", "--error-ratio", "0.1"));

        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().contains("spans from the global OpenTelemetry (OTel Java agent)"), run.stdout());
        assertEquals(List.of(), DemoRun.unexpectedStderr(run.stderr()), "nothing from hotpath on stderr, no JVM complaints");

        final Path queue = SpoolReader.onlyQueue(spool);
        assertTrue(queue.getFileName().toString().startsWith("otel-ext-it-"), queue.toString());
        assertTrue(Files.exists(queue.resolve("hotpath.closed")), "the recording was shut down cleanly");
        final SpoolReader reader = run.queue();
        assertEquals(List.of(), reader.violations);
        assertEquals(200 * 3 + 20 * 3 + 10 * 2, run.calls().size(), "the demo's own count");
        assertTrue(run.calls().stream().allMatch(c -> c.traceId() != null && c.traceId().length() == 32), "every call in a span");
        assertEquals(DemoRun.callKeys(run.calls()), DemoRun.sampleKeys(reader),
            "one sample per call, each with the trace and span id the service created");
        final SpoolReader.Stats stats = reader.lastStats();
        assertEquals(run.calls().size(), stats.recorded());
        assertEquals(0, stats.dropped());
        assertEquals(0, stats.adviceErrors());
    }
}
