package io.hotpath.distribution;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.daemon.testkit.ExternalProcess;
import io.hotpath.daemon.testkit.PrometheusServer;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.File;

/**
 * The README's main command, {@code ./demo.sh}, as CI can run it: with the jars this build just
 * packaged ({@code --no-build}), on a free port ({@code --port 0}), stdout a file (so the view prints
 * plain frames). It must show p50/p95/p99 rows for every series of the demo service, end by itself or
 * on Ctrl-C (SIGINT) with exit 0, and leave no process behind: every descendant seen while it ran
 * (hotpathd, the demo service, {@code hotpathd top}) must be gone when it returns. With
 * {@code --prometheus} (when Prometheus is installed), the real Prometheus it starts scrapes hotpathd
 * and evaluates the rules {@code hotpathd rules} generated, and is stopped with the rest.
 */
class DemoScriptIT
{
    /** Series the demo service's rules define (demo-service/hotpath-demo-rules.yaml), as top prints them. */
    private static final List<String> DEMO_SERIES = List.of("transport_send{app=demo,transport=QUIC}",
        "transport_send{app=demo,transport=BETANET}", "transport_send{app=demo,transport=BITCHAT}", "p2p_connect{app=demo}",
        "p2p_discover{app=demo}", "p2p_propagate{app=demo}", "job_placement{app=demo}", "vm_migrate{app=demo,");

    private static final String DURATION = "(\\d+(?:\\.\\d+)?)(ns|us|ms|s)";
    /** A top row: series, calls/s, error %, p50, p95, p99, p99 of the last second, calls in the window. */
    private static final Pattern ROW = Pattern.compile("^(\\S+)\\s+(\\d+)\\s+(\\d+\\.\\d|-)\\s+" + DURATION + "\\s+" + DURATION + "\\s+" + DURATION +
        "\\s+(?:" + DURATION + "|-)\\s+(\\d+)$", Pattern.MULTILINE);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern WORK_DIR = Pattern.compile("work dir: (\\S+)\\)");

    @TempDir
    Path temp;

    @Test
    void runsForItsDurationShowsPercentilesOfEveryDemoSeriesAndLeavesNothingBehind() throws Exception
    {
        final Demo demo = Demo.start(temp, "--no-build", "--duration", "30", "--port", "0");
        final int exit = demo.awaitExit(120);
        final String out = demo.stdout();
        assertEquals(0, exit, demo.toString());
        assertEquals("", demo.stderr(), demo.toString());
        assertPercentileRowsForEveryDemoSeries(out, demo);
        assertTrue(out.contains("/metrics/summary") && out.contains("/metrics "), demo.toString());
        assertStoppedCleanly(demo);
    }

    @Test
    void ctrlCStopsEverythingAndExitsZero() throws Exception
    {
        // A JVM started with SIGINT ignored (nohup, some CI shells) passes that on, and bash cannot trap
        // a signal ignored on entry: there is nothing to test then.
        assumeFalse(sigintIgnored(), "SIGINT is ignored in this test JVM, so demo.sh would inherit that");
        final Demo demo = Demo.start(temp, "--no-build", "--port", "0");
        demo.awaitStdout(out -> ROW.matcher(out).results().anyMatch(m -> m.group(1).startsWith("transport_send")), 90);
        assertTrue(demo.process.isAlive(), demo.toString());
        final Process kill = new ProcessBuilder("kill", "-INT", Long.toString(demo.process.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
        final int exit = demo.awaitExit(45);
        assertEquals(0, exit, demo.toString());
        assertEquals("", demo.stderr(), demo.toString());
        assertStoppedCleanly(demo);
    }

    @Test
    void withPrometheusTheDaemonIsScrapedAndTheGeneratedRulesEvaluate() throws Exception
    {
        assumeTrue(PrometheusServer.available(), "prometheus not installed");
        final int prometheusPort = ExternalProcess.freePort();
        final Demo demo = Demo.start(temp, "--no-build", "--port", "0", "--prometheus", "--prometheus-port", Integer.toString(prometheusPort),
            "--duration", "40");
        demo.awaitStdout(out -> ROW.matcher(out).results().anyMatch(m -> m.group(1).startsWith("transport_send")), 90);
        final String prometheus = "http://127.0.0.1:" + prometheusPort;
        assertTrue(demo.stdout().contains("Prometheus     " + prometheus), demo.toString());
        // The generated rules loaded and healthy, hotpathd's target up, and a recording rule over the
        // demo's calls producing values (rate5m needs two scrapes 5 s apart).
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "";
        while (true)
        {
            final JsonNode rules = get(prometheus + "/api/v1/rules");
            final List<String> health = new ArrayList<>();
            rules.path("data").path("groups").forEach(g -> g.path("rules").forEach(r -> health.add(r.path("health").asText())));
            final JsonNode targets = get(prometheus + "/api/v1/targets").path("data").path("activeTargets");
            final JsonNode recorded = get(prometheus + "/api/v1/query?query=" +
                URLEncoder.encode("hotpath:calls:rate5m", StandardCharsets.UTF_8)).path("data").path("result");
            last = "rules health " + health + "\ntargets " + targets + "\nhotpath:calls:rate5m " + recorded;
            if (!health.isEmpty() && health.stream().allMatch("ok"::equals) && targets.size() == 1 && "up".equals(targets.get(0).path("health").asText()) &&
                recorded.size() > 0)
            {
                break;
            }
            if (System.nanoTime() > deadline || !demo.process.isAlive())
            {
                demo.awaitExit(60);
                fail("Prometheus did not scrape hotpathd and evaluate its rules:\n" + last + "\n" + demo);
            }
            demo.poll();
            Thread.sleep(1000);
        }
        assertEquals(0, demo.awaitExit(90), demo.toString());
        assertEquals("", demo.stderr(), demo.toString());
        assertTrue(demo.commandLines.values().stream().anyMatch(c -> c.contains("prometheus") && c.contains("--web.listen-address=127.0.0.1:" + prometheusPort)),
            demo.commandLines.values().toString());
        assertStoppedCleanly(demo);
    }

    private static JsonNode get(final String url) throws IOException, InterruptedException
    {
        final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url + ": " + response.body());
        return JSON.readTree(response.body());
    }

    private static void assertPercentileRowsForEveryDemoSeries(final String out, final Demo demo)
    {
        final Set<String> rows = new TreeSet<>();
        final Matcher row = ROW.matcher(out);
        while (row.find())
        {
            rows.add(row.group(1));
            final double p50 = seconds(row.group(4), row.group(5));
            final double p95 = seconds(row.group(6), row.group(7));
            final double p99 = seconds(row.group(8), row.group(9));
            assertTrue(p50 > 0 && p50 <= p95 && p95 <= p99, "percentiles out of order in: " + row.group());
        }
        for (final String series : DEMO_SERIES)
        {
            assertTrue(rows.stream().anyMatch(name -> name.startsWith(series)), "no percentile row for " + series + "\n" + demo);
        }
    }

    private static double seconds(final String value, final String unit)
    {
        final double number = Double.parseDouble(value);
        return switch (unit)
        {
            case "ns" -> number * 1e-9;
            case "us" -> number * 1e-6;
            case "ms" -> number * 1e-3;
            default -> number;
        };
    }

    private static void assertStoppedCleanly(final Demo demo) throws InterruptedException
    {
        final String out = demo.stdout();
        assertTrue(out.stripTrailing().endsWith("hotpath demo stopped"), demo.toString());
        // hotpathd, the demo service and hotpathd top were all seen running, and none of them is left.
        assertTrue(demo.commandLines.values().stream().anyMatch(c -> c.contains("hotpathd.jar") && c.contains("--spool")), demo.commandLines.values().toString());
        assertTrue(demo.commandLines.values().stream().anyMatch(c -> c.contains("-javaagent:") && c.contains("hotpath-demo.jar")), demo.commandLines.values().toString());
        assertTrue(demo.commandLines.values().stream().anyMatch(c -> c.contains("hotpathd.jar") && c.contains(" top ")), demo.commandLines.values().toString());
        final List<ProcessHandle> alive = demo.seen.stream().filter(ProcessHandle::isAlive).toList();
        alive.forEach(ProcessHandle::destroyForcibly); // not to leave them to the next test
        assertTrue(alive.isEmpty(), "left running: " + alive.stream().map(p -> p.pid() + " " + demo.commandLines.get(p))
            .collect(Collectors.joining(", ")));
        final Matcher work = WORK_DIR.matcher(out);
        assertTrue(work.find(), demo.toString());
        assertFalse(Files.exists(Path.of(work.group(1))), "work dir left behind: " + work.group(1));
    }

    private static boolean sigintIgnored() throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
        {
            if (line.startsWith("SigIgn:"))
            {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }

    /** demo.sh running, with every descendant process seen so far (polled while it runs). */
    private static final class Demo
    {
        final Process process;
        final Path out;
        final Path err;
        final List<ProcessHandle> seen = new ArrayList<>();
        /** The latest command line of each process seen (a launcher script execs java: the first one seen may be bash's). */
        final Map<ProcessHandle, String> commandLines = new LinkedHashMap<>();

        private Demo(final Process process, final Path out, final Path err)
        {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        static Demo start(final Path temp, final String... args) throws IOException
        {
            final List<String> command = new ArrayList<>(List.of("bash", DefaultConfigTest.root().resolve("demo.sh").toString()));
            command.addAll(List.of(args));
            final Path out = temp.resolve("demo.out");
            final Path err = temp.resolve("demo.err");
            final ProcessBuilder builder = new ProcessBuilder(command).directory(temp.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().put("JAVA", Tarball.testJava().toString());
            builder.environment().put("TMPDIR", temp.toString());
            return new Demo(builder.start(), out, err);
        }

        void awaitStdout(final Predicate<String> condition, final long timeoutSeconds) throws Exception
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (!condition.test(stdout()))
            {
                if (!process.isAlive() || System.nanoTime() > deadline)
                {
                    stop();
                    fail("demo.sh did not show what was expected within " + timeoutSeconds + " s\n" + this);
                }
                poll();
                Thread.sleep(250);
            }
            poll();
        }

        /** Waits for the exit, recording descendants meanwhile; on timeout kills everything and fails. */
        int awaitExit(final long timeoutSeconds) throws Exception
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (!process.waitFor(250, TimeUnit.MILLISECONDS))
            {
                poll();
                if (System.nanoTime() > deadline)
                {
                    stop();
                    fail("demo.sh did not exit within " + timeoutSeconds + " s\n" + this);
                }
            }
            return process.exitValue();
        }

        void poll()
        {
            process.descendants().forEach(p ->
            {
                if (!seen.contains(p))
                {
                    seen.add(p);
                }
                p.info().commandLine().ifPresent(command -> commandLines.put(p, command));
            });
        }

        private void stop() throws InterruptedException
        {
            poll();
            seen.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        String stdout()
        {
            return read(out);
        }

        String stderr()
        {
            return read(err);
        }

        private static String read(final Path file)
        {
            try
            {
                return Files.readString(file, StandardCharsets.UTF_8);
            }
            catch (final IOException e)
            {
                return "(" + e + ")";
            }
        }

        @Override
        public String toString()
        {
            return "demo.sh -> " + (process.isAlive() ? "running" : "exit " + process.exitValue()) + "\n--- stdout\n" + stdout() + "\n--- stderr\n" +
                stderr();
        }
    }
}
