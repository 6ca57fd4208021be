package io.hotpath.agent.it;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core check: the demo service under the agent (a real JVM, JDK 17 and Temurin 25) produces a
 * queue whose decoded samples match the calls the service made one for one: same series (metric
 * and labels), payload size, outcome and error type; and the service's own results are the same
 * as without the agent.
 */
class DemoServiceAgentIT
{
    private static final int ITERATIONS = 300;

    @TempDir
    Path temp;

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void everyCallAppearsExactlyOnceWithItsSeriesSizeAndOutcome(final int jdk) throws Exception
    {
        final String java = jdk == 17 ? ForkedJvm.java17() : ForkedJvm.java25();
        Assumptions.assumeTrue(java != null, "Temurin 25 not installed");
        final Path spool = temp.resolve("spool");
        final Path callsLog = temp.resolve("calls.tsv");
        final Path results = temp.resolve("results.tsv");

        final ForkedJvm.Result run = ForkedJvm.run(ForkedJvm.command(java,
            "config=" + ForkedJvm.demoRules() + ",spool.dir=" + spool + ",service.name=demo-it",
            "-jar", ForkedJvm.demoJar().toString(), "--calls", String.valueOf(ITERATIONS), "--error-ratio", "0.1",
            "--calls-log", callsLog.toString(), "--results", results.toString()), 120);
        assertEquals(0, run.exitCode(), run.stderr());
        // nothing on the service's stderr: no agent complaints, no JVM warnings (Unsafe, CDS,
        // native access), no SLF4J or Chronicle chatter
        assertEquals("", run.stderr());

        final Path queue = SpoolReader.onlyQueue(spool);
        assertTrue(queue.getFileName().toString().startsWith("demo-it-"), queue.toString());
        assertTrue(Files.exists(queue.resolve("hotpath.closed")), "closed marker");
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(spool)));
        // setgid on the directories the agent created, so that what is created inside keeps their group
        assertEquals(02000, (Integer)Files.getAttribute(spool, "unix:mode") & 02000, "setgid on the spool directory");
        assertEquals(02000, (Integer)Files.getAttribute(queue, "unix:mode") & 02000, "setgid on the queue directory");
        try (var files = Files.list(queue))
        {
            for (final Path file : files.toList())
            {
                assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
            }
        }

        final SpoolReader reader = SpoolReader.read(queue);
        assertEquals(List.of(), reader.violations);
        assertEquals("demo-it", reader.serviceName);

        final List<String> expected = new ArrayList<>();
        for (final String line : Files.readAllLines(callsLog))
        {
            final String[] f = line.split("\t", -1);
            expected.add(f[0] + " size=" + f[2] + " " + f[3] + " " + f[4]);
        }
        final List<String> actual = reader.samples.stream()
            .map(s -> s.seriesKey() + " size=" + s.payloadBytes() + " " + (s.error() ? "error " + s.errorType() : "ok "))
            .collect(Collectors.toCollection(ArrayList::new));
        Collections.sort(expected);
        Collections.sort(actual);
        assertTrue(expected.size() > 3 * ITERATIONS, "the demo made calls");
        assertEquals(expected, actual);

        // error types are named after the exception's simple class name, or the failing return value
        final Map<String, Long> errorTypes = reader.samples.stream().filter(SpoolReader.Sample::error)
            .collect(Collectors.groupingBy(SpoolReader.Sample::errorType, TreeMap::new, Collectors.counting()));
        assertTrue(errorTypes.keySet().containsAll(List.of("MessageRejectedException", "TransportTimeoutException",
            "returned_false", "ConnectException")), errorTypes.toString());

        // the agent's self-counters: every call recorded and drained, none dropped
        final SpoolReader.Stats stats = reader.lastStats();
        assertNotNull(stats);
        assertEquals(expected.size(), stats.recorded());
        assertEquals(expected.size(), stats.drained());
        assertEquals(0, stats.dropped());
        assertEquals(0, stats.adviceErrors());

        // the service's own results are unchanged by the agent
        final ForkedJvm.Result plain = ForkedJvm.run(ForkedJvm.command(java, null,
            "-jar", ForkedJvm.demoJar().toString(), "--calls", String.valueOf(ITERATIONS), "--error-ratio", "0.1"), 120);
        assertEquals(0, plain.exitCode(), plain.stderr());
        assertEquals(summary(plain.stdout()), summary(run.stdout()));
    }

    /** "N calls, M errors ... checksum C" without the timing. */
    private static String summary(final String stdout)
    {
        return stdout.replaceAll("in [0-9.]+ s, ", "").trim();
    }
}
