package io.hotpath.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * CI's smoke run of the JMH jar ({@code target/benchmarks.jar}, built by {@code package} before
 * Failsafe runs): every benchmark class runs and reports results, and hotpath's record path
 * allocates nothing. Speed is never asserted here — timings on a shared CI machine mean nothing;
 * the numbers come from {@code benchmarks/run.sh full} on a quiet machine.
 *
 * <p>Allocation is a correctness property (the hot path must not allocate), measured the way
 * RESULTS.md quotes it: JMH's {@code -prof gc} {@code gc.alloc.rate.norm}. It needs a short warm-up,
 * because the property is of the compiled code (the interpreter and C1 box what C2 scalar-replaces);
 * "nothing" is {@code < 1 B/op}: any per-call allocation is at least one 16-byte object, while JMH's
 * own bytes spread over millions of calls stay at thousandths of a byte.
 */
class BenchmarksSmokeIT
{
    /** Benchmark classes that must exist and report (a lower bound: new classes run too). */
    private static final Set<String> EXPECTED_CLASSES = Set.of(
        "io.hotpath.benchmarks.RecordPathBenchmark",
        "io.hotpath.benchmarks.InstrumentedCallBenchmark",
        "io.hotpath.benchmarks.SpoolDrainBenchmark",
        "io.hotpath.benchmarks.SpoolDocumentBenchmark",
        "io.hotpath.benchmarks.RingChoiceBenchmark",
        "io.hotpath.benchmarks.daemon.DaemonIngestBenchmark",
        "io.hotpath.benchmarks.daemon.MetricsRenderBenchmark",
        "io.hotpath.benchmarks.daemon.MetricsScrapeBenchmark");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_MINUTES = 5;

    @Test
    void everyBenchmarkClassRunsAndReportsResults(@TempDir final Path dir) throws Exception
    {
        final Path json = dir.resolve("smoke.json");
        // no regex: every benchmark in the jar, one fork, one 100 ms iteration, no warm-up
        jmh(dir.resolve("smoke.log"), "-f", "1", "-wi", "0", "-i", "1", "-r", "100ms", "-foe", "true",
            "-rf", "json", "-rff", json.toString());

        final Map<String, List<JsonNode>> byClass = new TreeMap<>();
        for (final JsonNode result : JSON.readTree(json.toFile()))
        {
            final String benchmark = result.path("benchmark").asText();
            byClass.computeIfAbsent(benchmark.substring(0, benchmark.lastIndexOf('.')), k -> new ArrayList<>()).add(result);
        }
        assertTrue(byClass.keySet().containsAll(EXPECTED_CLASSES),
            "benchmark classes with results: " + byClass.keySet() + ", expected at least " + EXPECTED_CLASSES);
        for (final Map.Entry<String, List<JsonNode>> entry : byClass.entrySet())
        {
            for (final JsonNode result : entry.getValue())
            {
                final JsonNode primary = result.path("primaryMetric");
                final double score = primary.path("score").asDouble(Double.NaN);
                assertTrue(Double.isFinite(score) && score > 0,
                    result.path("benchmark").asText() + " " + result.path("params") + ": score " + primary.path("score"));
                assertFalse(primary.path("scoreUnit").asText().isEmpty(), result.path("benchmark").asText() + ": no unit");
            }
        }
    }

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = { 1, 2 })
    void hotpathRecordPathAllocatesNothing(final int threads, @TempDir final Path dir) throws Exception
    {
        final Path json = dir.resolve("alloc.json");
        jmh(dir.resolve("alloc.log"), "io.hotpath.benchmarks.RecordPathBenchmark.hotpath", "-t", String.valueOf(threads),
            "-prof", "gc", "-f", "1", "-wi", "5", "-w", "200ms", "-i", "2", "-r", "200ms", "-foe", "true",
            "-rf", "json", "-rff", json.toString());

        final JsonNode results = JSON.readTree(json.toFile());
        assertEquals(3, results.size(), "hotpathStaticSeries, hotpathLabelFromArgument and hotpathLabelOverCap: " + results);
        for (final JsonNode result : results)
        {
            final JsonNode norm = result.path("secondaryMetrics").path("gc.alloc.rate.norm");
            assertFalse(norm.isMissingNode(), result.path("benchmark").asText() + ": no gc.alloc.rate.norm (-prof gc)");
            final double bytesPerOp = norm.path("score").asDouble(Double.NaN);
            assertTrue(bytesPerOp < 1.0, result.path("benchmark").asText() + " at " + threads +
                " thread(s) allocates " + bytesPerOp + " B/op; the record path must allocate nothing");
            final JsonNode recorded = result.path("secondaryMetrics").path("ringRecorded").path("score");
            assertTrue(recorded.asDouble() > 0, result.path("benchmark").asText() + ": wrote no sample to the ring");
        }
    }

    /** Runs {@code java -jar target/benchmarks.jar ARGS}; fails with the log's tail unless it exits 0. */
    private static void jmh(final Path log, final String... args) throws IOException, InterruptedException
    {
        final Path jar = Paths.get(System.getProperty("hotpath.benchmarks.jar", "target/benchmarks.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), jar + " missing: run `mvn package -pl benchmarks -am` first");
        final List<String> command = new ArrayList<>(List.of(
            Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
            // JMH's machine-wide /tmp/jmh.lock keeps timed runs apart; a smoke run times nothing
            "-Djmh.ignoreLock=true", "-jar", jar.toString()));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES))
        {
            process.destroyForcibly().waitFor();
            fail("JMH did not finish in " + TIMEOUT_MINUTES + " min: " + command + "\n" + tail(log));
        }
        assertEquals(0, process.exitValue(), "JMH failed: " + String.join(" ", command) + "\n" + tail(log));
    }

    private static String tail(final Path log) throws IOException
    {
        final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
