package io.hotpath.benchmarks;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the built artifacts the benchmarks run are: each one a system property, else its place in
 * the repository (found from the working directory or from the jar these classes were loaded from,
 * e.g. {@code benchmarks/target/benchmarks.jar}). {@code mvn -B package -pl benchmarks -am} builds
 * them all; the OpenTelemetry agent is copied next to {@code benchmarks.jar} by the same build.
 */
public final class BenchmarkArtifacts
{
    private BenchmarkArtifacts()
    {
    }

    /** {@code hotpath.agent.jar}, else {@code javaagent/target/hotpath-agent.jar}. */
    public static Path agentJar()
    {
        return resolve("hotpath.agent.jar", "javaagent/target/hotpath-agent.jar");
    }

    /** {@code hotpath.daemon.jar}, else {@code collector-daemon/target/hotpathd.jar}. */
    public static Path daemonJar()
    {
        return resolve("hotpath.daemon.jar", "collector-daemon/target/hotpathd.jar");
    }

    /** {@code hotpath.demo.jar}, else {@code demo-service/target/hotpath-demo.jar}. */
    public static Path demoJar()
    {
        return resolve("hotpath.demo.jar", "demo-service/target/hotpath-demo.jar");
    }

    /** {@code hotpath.demo.rules}, else {@code demo-service/hotpath-demo-rules.yaml}. */
    public static Path demoRules()
    {
        return resolve("hotpath.demo.rules", "demo-service/hotpath-demo-rules.yaml");
    }

    /** {@code hotpath.otel.agent.jar}, else {@code benchmarks/target/agents/opentelemetry-javaagent.jar}. */
    public static Path otelAgentJar()
    {
        return resolve("hotpath.otel.agent.jar", "benchmarks/target/agents/opentelemetry-javaagent.jar");
    }

    /** The e2e load driver's jar: {@code hotpath.e2e.jar}, else {@code benchmarks/target/e2e-load.jar}. */
    public static Path loadDriverJar()
    {
        return resolve("hotpath.e2e.jar", "benchmarks/target/e2e-load.jar");
    }

    private static Path resolve(final String property, final String inRepository)
    {
        final String configured = System.getProperty(property);
        if (configured != null && !configured.isBlank())
        {
            final Path path = Paths.get(configured).toAbsolutePath();
            if (!Files.exists(path))
            {
                throw new IllegalStateException(property + "=" + configured + ": no such file");
            }
            return path;
        }
        final List<Path> tried = new ArrayList<>();
        for (final Path root : repositoryCandidates())
        {
            final Path path = root.resolve(inRepository);
            if (Files.exists(path))
            {
                return path.toAbsolutePath().normalize();
            }
            tried.add(path);
        }
        throw new IllegalStateException("cannot find " + inRepository + " (tried " + tried + "); build it with " +
            "`mvn -B package -pl benchmarks -am -DskipTests` or set -D" + property + "=PATH");
    }

    private static List<Path> repositoryCandidates()
    {
        final List<Path> roots = new ArrayList<>();
        final String repository = System.getProperty("hotpath.repository");
        if (repository != null)
        {
            roots.add(Paths.get(repository));
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent())
        {
            roots.add(dir);
        }
        try
        {
            final Path code = Paths.get(BenchmarkArtifacts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = code.getParent(); dir != null; dir = dir.getParent())
            {
                roots.add(dir);
            }
        }
        catch (final URISyntaxException | RuntimeException e)
        {
            // working directory candidates only
        }
        return roots;
    }
}
