package io.hotpath.agent.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Starts real JVMs for the integration tests and collects their output. */
final class ForkedJvm
{
    record Result(int exitCode, String stdout, String stderr)
    {
    }

    private ForkedJvm()
    {
    }

    static Path agentJar()
    {
        return existing(System.getProperty("hotpath.agent.jar"), "the agent jar (mvn package builds it)");
    }

    static Path demoJar()
    {
        return existing(System.getProperty("hotpath.demo.jar"), "the demo jar");
    }

    static Path demoRules()
    {
        return existing(System.getProperty("hotpath.demo.rules"), "the demo rules");
    }

    static Path testClasses()
    {
        return existing(System.getProperty("hotpath.test.classes"), "the test classes");
    }

    static Path testAppRules()
    {
        return testClasses().resolve("testapp-rules.yaml");
    }

    /** The JDK 17 running the tests. */
    static String java17()
    {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The Temurin 25 binary, or {@code null} when absent. */
    static String java25()
    {
        final Path java = Paths.get(System.getProperty("hotpath.jdk25.home", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java");
        return Files.isExecutable(java) ? java.toString() : null;
    }

    static String classPathOf(final Class<?> type)
    {
        try
        {
            return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        }
        catch (final Exception e)
        {
            throw new IllegalStateException(e);
        }
    }

    static List<String> command(final String java, final String agentArgs, final String... rest)
    {
        final List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-Xmx256m");
        if (agentArgs != null)
        {
            command.add("-javaagent:" + agentJar() + "=" + agentArgs);
        }
        command.addAll(List.of(rest));
        return command;
    }

    static Result run(final List<String> command, final long timeoutSeconds) throws IOException, InterruptedException
    {
        final Path out = Files.createTempFile("hotpath-it", ".out");
        final Path err = Files.createTempFile("hotpath-it", ".err");
        try
        {
            final Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                fail("timed out after " + timeoutSeconds + " s: " + command + "\nstderr:\n" + Files.readString(err));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        }
        finally
        {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Path existing(final String path, final String what)
    {
        if (path == null || !Files.exists(Paths.get(path)))
        {
            throw new IllegalStateException(what + " not found at " + path);
        }
        return Paths.get(path);
    }
}
