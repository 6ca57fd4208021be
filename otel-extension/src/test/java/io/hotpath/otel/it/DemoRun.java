package io.hotpath.otel.it;

import io.hotpath.agent.it.SpoolReader;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The demo service in a real JVM, with the OpenTelemetry API (and optionally SDK) on its class path
 * and {@code --otel-spans}, under whatever agents a test puts in front of it. Paths come from the
 * system properties Failsafe sets (see the module's pom). Every OTel exporter is off: nothing leaves
 * the machine.
 */
final class DemoRun
{
    /** One call the demo made, as its calls log has it, in the form samples are compared in. */
    record Call(String series, long durationNanos, long payloadBytes, String outcome, String traceId, String spanId)
    {
        String key()
        {
            return series + " size=" + payloadBytes + " " + outcome + " trace=" + traceId + " span=" + spanId;
        }
    }

    record Result(int exitCode, String stdout, String stderr, Path spool, List<Call> calls)
    {
        /** The queue the run wrote, decoded with plain Chronicle. */
        SpoolReader queue() throws IOException
        {
            return SpoolReader.read(SpoolReader.onlyQueue(spool));
        }
    }

    static final List<String> OTEL_QUIET = List.of(
        "-Dotel.traces.exporter=none", "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none");

    private DemoRun()
    {
    }

    static Path otelAgentJar()
    {
        return existing(Paths.get(property("hotpath.otel.dir"), "opentelemetry-javaagent.jar"));
    }

    static Path extensionJar()
    {
        return existing(Paths.get(property("hotpath.otel.extension.jar")));
    }

    static Path hotpathAgentJar()
    {
        return existing(Paths.get(property("hotpath.agent.jar")));
    }

    static Path demoRules()
    {
        return existing(Paths.get(property("hotpath.demo.rules")));
    }

    /** The OpenTelemetry API jars, and with {@code withSdk} the trace SDK's. */
    static List<Path> otelLibraries(final boolean withSdk) throws IOException
    {
        final List<Path> jars = new ArrayList<>(jarsIn(Paths.get(property("hotpath.otel.dir"), "api")));
        if (withSdk)
        {
            jars.addAll(jarsIn(Paths.get(property("hotpath.otel.dir"), "sdk")));
        }
        return jars;
    }

    /**
     * Runs the demo to its end.
     *
     * @param jvmArgs   agents and system properties, in order.
     * @param withSdk   also put the OpenTelemetry SDK on the class path.
     * @param demoArgs  besides {@code --otel-spans} and {@code --calls-log}.
     */
    static Result run(final Path dir, final List<String> jvmArgs, final boolean withSdk, final List<String> demoArgs)
        throws IOException, InterruptedException
    {
        Files.createDirectories(dir);
        final Path callsLog = dir.resolve("calls.tsv");
        final StringBuilder classPath = new StringBuilder(existing(Paths.get(property("hotpath.demo.jar"))).toString());
        for (final Path jar : otelLibraries(withSdk))
        {
            classPath.append(File.pathSeparator).append(jar);
        }
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(jvmArgs);
        command.addAll(OTEL_QUIET);
        command.addAll(List.of("-cp", classPath.toString(), "io.hotpath.demo.DemoMain", "--otel-spans", "--calls-log", callsLog.toString()));
        command.addAll(demoArgs);
        final Path out = dir.resolve("stdout.txt");
        final Path err = dir.resolve("stderr.txt");
        final Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(180, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            fail("timed out: " + command + "\nstderr:\n" + Files.readString(err));
        }
        final List<Call> calls = new ArrayList<>();
        if (Files.exists(callsLog))
        {
            for (final String line : Files.readAllLines(callsLog))
            {
                final String[] f = line.split("\t", -1);
                calls.add(new Call(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), "ok".equals(f[3]) ? "ok" : "error " + f[4],
                    f.length > 6 ? f[5] : null, f.length > 6 ? f[6] : null));
            }
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8), dir.resolve("spool"), calls);
    }

    /** The calls, sorted, in the form {@link #sampleKeys} gives the queue's samples. */
    static List<String> callKeys(final List<Call> calls)
    {
        final List<String> keys = new ArrayList<>(calls.stream().map(Call::key).toList());
        Collections.sort(keys);
        return keys;
    }

    static List<String> sampleKeys(final SpoolReader queue)
    {
        final List<String> keys = new ArrayList<>(queue.samples.stream()
            .map(s -> s.seriesKey() + " size=" + s.payloadBytes() + " " + (s.error() ? "error " + s.errorType() : "ok") +
                " trace=" + s.traceId() + " span=" + s.spanId())
            .toList());
        Collections.sort(keys);
        return keys;
    }

    /** Stderr without the lines the OTel agent itself always prints (its version line, the JVM's CDS note). */
    static List<String> unexpectedStderr(final String stderr)
    {
        return stderr.lines()
            .filter(line -> !line.isBlank())
            .filter(line -> !line.contains("Sharing is only supported for boot loader classes because bootstrap classpath has been appended"))
            .filter(line -> !(line.startsWith("[otel.javaagent ") && line.contains(" INFO ")))
            // The agent's match report comes 5 s after start: on a loaded machine the JVM (with the OTel agent's
            // ~7 s CPU of start-up) may not have loaded the demo's classes yet. What matched is asserted from the spool.
            .filter(line -> !line.startsWith("[hotpath] WARN match report (start): "))
            .toList();
    }

    private static List<Path> jarsIn(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(existing(dir)))
        {
            return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static String property(final String name)
    {
        final String value = System.getProperty(name);
        if (value == null)
        {
            throw new IllegalStateException("system property " + name + " not set (run through Failsafe: mvn verify)");
        }
        return value;
    }

    private static Path existing(final Path path)
    {
        if (!Files.exists(path))
        {
            throw new IllegalStateException(path + " does not exist (mvn verify builds and copies it)");
        }
        return path;
    }
}
