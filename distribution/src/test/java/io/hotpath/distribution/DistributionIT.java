package io.hotpath.distribution;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hotpath.daemon.testkit.ExternalProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import java.util.stream.Collectors;

/**
 * The tarball as a user gets it: unpacked with tar, {@code bin/hotpathd --help}, then the daemon
 * started from it with the shipped {@code etc/hotpathd.yaml} (paths overridden to a temp dir) on a
 * free loopback port until /health says ready, on JDK 17 and on Temurin 25 when installed, with
 * nothing on stderr but hotpathd's own INFO lines. And {@code bin/hotpath} attaching the shipped
 * agent to a running JVM.
 */
class DistributionIT
{
    /** hotpathd's log line format (DaemonLogging); anything else on stderr (JVM or library warnings) fails. */
    private static final Pattern INFO_LINE = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\S+ INFO \\S+: .*");

    @TempDir
    Path temp;

    @Test
    void layoutIsBinLibEtcSystemdDoc() throws Exception
    {
        final Path home = Tarball.unpack(temp);
        for (final String file : List.of("bin/hotpathd", "bin/hotpath"))
        {
            assertTrue(Files.getPosixFilePermissions(home.resolve(file)).containsAll(
                Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE)), file);
        }
        for (final String file : List.of("lib/hotpathd.jar", "lib/hotpath-agent.jar", "etc/hotpathd.yaml",
            "etc/rules/hotpath-demo-rules.yaml", "etc/rules/slo-demo.yaml", "systemd/hotpathd.service", "systemd/hotpath.sysusers",
            "systemd/hotpath.tmpfiles", "systemd/README.md", "doc/agent.md", "doc/hotpathd.md", "README.md",
            "lib/hotpath-otel-extension.jar", "doc/OPENTELEMETRY.md", "doc/KUBERNETES.md", "doc/METRICS.md", "doc/ANALYSIS.md",
            "doc/SPOOL.md", "kubernetes/hotpathd.yaml", "kubernetes/app-with-agent.yaml"))
        {
            assertTrue(Files.isRegularFile(home.resolve(file)), file);
        }
        try (Stream<Path> top = Files.list(home))
        {
            assertEquals(Set.of("bin", "lib", "etc", "systemd", "doc", "kubernetes", "README.md"),
                top.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
        assertEquals(Files.readString(DefaultConfigTest.root().resolve("systemd/hotpathd.yaml")), Files.readString(home.resolve("etc/hotpathd.yaml")));
        assertTrue(Files.readString(home.resolve("README.md")).startsWith("# hotpath (installed tarball)"), "the tarball's own README");
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = { 17, 25 })
    void helpThenServeFromTheUnpackedTarball(final int jdk) throws Exception
    {
        final Path java = jdk == 17 ? Tarball.testJava() : Tarball.jdk25();
        assumeTrue(java != null, "Temurin 25 not installed");
        final Path home = Tarball.unpack(temp.resolve("opt"));
        final Map<String, String> env = Map.of("JAVA", java.toString());

        final Processes.Result help = Processes.run(temp, List.of(home.resolve("bin/hotpathd").toString(), "--help"), env, 60);
        assertEquals(0, help.exit(), help.toString());
        assertTrue(help.stdout().startsWith("Usage: hotpathd"), help.toString());
        assertTrue(help.stdout().contains("top") && help.stdout().contains("rules"), help.toString());
        assertEquals("", help.stderr(), help.toString());

        final int port = ExternalProcess.freePort();
        final Path stdout = temp.resolve("hotpathd.out");
        final Path stderr = temp.resolve("hotpathd.err");
        final ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/hotpathd").toString(),
            "--config", home.resolve("etc/hotpathd.yaml").toString(),
            "--spool", temp.resolve("spool").toString(), "--state-dir", temp.resolve("state").toString(),
            "--listen", "127.0.0.1:" + port)
            .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().putAll(env);
        final Process daemon = builder.start();
        try
        {
            awaitHealthy("http://127.0.0.1:" + port + "/health", daemon, stderr);
            final HttpResponse<String> metrics = ExternalProcess.get("http://127.0.0.1:" + port + "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("hotpath_daemon_"), metrics.body());
        }
        finally
        {
            daemon.destroy();
            assertTrue(daemon.waitFor(30, TimeUnit.SECONDS), "hotpathd did not stop on SIGTERM");
        }
        assertEquals(143, daemon.exitValue());
        assertEquals("", Files.readString(stdout));
        final List<String> errLines = Files.readAllLines(stderr);
        assertFalse(errLines.isEmpty(), "hotpathd logs its start on stderr");
        for (final String line : errLines)
        {
            assertTrue(INFO_LINE.matcher(line).matches(), "unexpected stderr line on JDK " + jdk + ": " + line + "\n" + String.join("\n", errLines));
        }
        if (jdk == 25)
        {
            // The launcher added the flag; the JVM would otherwise warn about jffi's sun.misc.Unsafe use.
            assertFalse(String.join("\n", errLines).contains("sun.misc.Unsafe"));
        }
    }

    @Test
    void hotpathHelperAttachesTheShippedAgentToARunningJvm() throws Exception
    {
        final Path home = Tarball.unpack(temp.resolve("opt"));
        final Path spool = temp.resolve("spool");
        final Processes.Result flag = Processes.run(temp, List.of(home.resolve("bin/hotpath").toString(), "javaagent", "config=/etc/x.yaml"));
        assertEquals(0, flag.exit(), flag.toString());
        assertEquals("-javaagent:" + home.toRealPath().resolve("lib/hotpath-agent.jar") + "=config=/etc/x.yaml\n", flag.stdout());

        final Process service = new ProcessBuilder(Tarball.testJava().toString(), "-jar", demoJar().toString(), "--duration", "60s", "--rate", "50")
            .redirectOutput(temp.resolve("demo.out").toFile()).redirectError(temp.resolve("demo.err").toFile()).start();
        try
        {
            Thread.sleep(1500);
            final Processes.Result attach = Processes.run(temp, List.of(home.resolve("bin/hotpath").toString(), "attach",
                Long.toString(service.pid()), "config=" + home.resolve("etc/rules/hotpath-demo-rules.yaml"), "spool.dir=" + spool),
                Map.of("JAVA", Tarball.testJava().toString()), 60);
            assertEquals(0, attach.exit(), attach.toString());
            assertTrue(attach.stdout().contains("agent loaded into JVM " + service.pid()), attach.toString());
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && !queueOf(spool, service.pid()))
            {
                Thread.sleep(200);
            }
            assertTrue(queueOf(spool, service.pid()), "no queue of pid " + service.pid() + " in " + spool);

            final Processes.Result again = Processes.run(temp, List.of(home.resolve("bin/hotpath").toString(), "attach",
                Long.toString(service.pid())), Map.of("JAVA", Tarball.testJava().toString()), 60);
            assertEquals(3, again.exit(), "a second attach is refused: " + again);
        }
        finally
        {
            service.destroy();
            service.waitFor(20, TimeUnit.SECONDS);
        }
        final Processes.Result usage = Processes.run(temp, List.of(home.resolve("bin/hotpath").toString(), "attach", "not-a-pid"));
        assertEquals(2, usage.exit(), usage.toString());
    }

    static Path demoJar()
    {
        final Path jar = Path.of(System.getProperty("hotpath.demo.jar", "../demo-service/target/hotpath-demo.jar"));
        assertTrue(Files.isRegularFile(jar), jar + " not built");
        return jar;
    }

    private static boolean queueOf(final Path spool, final long pid) throws IOException
    {
        if (!Files.isDirectory(spool))
        {
            return false;
        }
        try (Stream<Path> queues = Files.list(spool))
        {
            return queues.anyMatch(q -> q.getFileName().toString().contains("-" + pid + "-") && Files.exists(q.resolve("metadata.cq4t")));
        }
    }

    static void awaitHealthy(final String url, final Process process, final Path log) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int status = 0;
        while (System.nanoTime() < deadline)
        {
            if (!process.isAlive())
            {
                fail("hotpathd exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try
            {
                status = ExternalProcess.get(url).statusCode();
                if (status == 200)
                {
                    return;
                }
            }
            catch (final IOException notYet)
            {
                // not listening yet
            }
            Thread.sleep(100);
        }
        fail(url + " not 200 within 30 s (last " + status + "):\n" + Files.readString(log));
    }
}
