package io.hotpath.daemon.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The demo service as users run it under the agent: {@code java -javaagent:hotpath-agent.jar=config=
 * hotpath-demo-rules.yaml,spool.dir=…,service.name=… -jar hotpath-demo.jar …} (paths from the
 * {@code hotpath.agent.jar}, {@code hotpath.demo.jar}, {@code hotpath.demo.rules} system properties
 * Failsafe sets; the reactor builds both jars before this module). {@link #exactResults} reads the
 * demo's own exact per-series numbers ({@code --results}).
 */
public final class DemoProcess extends ExternalProcess
{
    private DemoProcess(final List<String> command, final Path log) throws IOException
    {
        super("hotpath-demo", command, log);
    }

    public static Path agentJar()
    {
        return existing("hotpath.agent.jar", "../javaagent/target/hotpath-agent.jar");
    }

    public static Path demoJar()
    {
        return existing("hotpath.demo.jar", "../demo-service/target/hotpath-demo.jar");
    }

    public static Path demoRules()
    {
        return existing("hotpath.demo.rules", "../demo-service/hotpath-demo-rules.yaml");
    }

    private static Path existing(final String property, final String fallback)
    {
        final String path = System.getProperty(property, fallback);
        if (!new File(path).isFile())
        {
            throw new IllegalStateException(path + " not built (" + property + "); run mvn verify from the root, which builds it first");
        }
        return Path.of(path).toAbsolutePath().normalize();
    }

    /** Starts the demo under the agent, writing into {@code spool} as {@code service}; {@code demoArgs} are the demo's options. */
    public static DemoProcess start(final Path spool, final String service, final Path log, final String... demoArgs) throws IOException
    {
        return start(spool, service, log, List.of(), demoArgs);
    }

    /** As {@link #start(Path, String, Path, String...)}, with extra flags for the demo's JVM. */
    public static DemoProcess start(final Path spool, final String service, final Path log, final List<String> jvmArgs,
        final String... demoArgs) throws IOException
    {
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        command.addAll(jvmArgs);
        command.addAll(List.of(
            "-javaagent:" + agentJar() + "=config=" + demoRules() + ",spool.dir=" + spool + ",service.name=" + service,
            "-jar", demoJar().toString()));
        command.addAll(List.of(demoArgs));
        return new DemoProcess(command, log);
    }

    /** Waits for the demo to end; fails with its log unless it exits with 0. */
    public void awaitSuccess(final Duration timeout) throws InterruptedException
    {
        if (!process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        {
            process().destroyForcibly();
            throw new AssertionError("the demo did not finish within " + timeout + ":\n" + log());
        }
        if (process().exitValue() != 0)
        {
            throw new AssertionError("the demo exited with " + process().exitValue() + ":\n" + log());
        }
    }

    /** One line of the demo's {@code --results} file: its own exact numbers for a series. */
    public record ExactSeries(String metric, Map<String, String> labels, long count, long errors, long p50Nanos, long p95Nanos,
        long p99Nanos, long maxNanos, long payloadBytes)
    {
    }

    /** Parses {@code --results}: {@code series count errors p50_nanos p95_nanos p99_nanos max_nanos payload_bytes}. */
    public static List<ExactSeries> exactResults(final Path file) throws IOException
    {
        final List<ExactSeries> series = new ArrayList<>();
        final List<String> lines = Files.readAllLines(file);
        for (final String line : lines.subList(1, lines.size()))
        {
            final String[] f = line.split("\t");
            final String key = f[0];
            final int brace = key.indexOf('{');
            final String metric = brace < 0 ? key : key.substring(0, brace);
            final Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0)
            {
                for (final String pair : key.substring(brace + 1, key.length() - 1).split(","))
                {
                    final int eq = pair.indexOf('=');
                    labels.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
                }
            }
            series.add(new ExactSeries(metric, labels, Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7])));
        }
        return series;
    }
}
