package io.hotpath.agent.it;

import io.hotpath.agent.testapp.TestApp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's promises beyond recording, each in a real JVM on JDK 17: failures never break the
 * service, a full ring drops instead of blocking, runtime attach, isolation from the application's
 * own Byte Buddy and Agrona, and the built-in packs (which instrument JDK classes; also on Temurin 25).
 */
class AgentBehaviourIT
{
    @TempDir
    Path temp;

    private String testClassPath()
    {
        return ForkedJvm.testClasses().toString();
    }

    @Test
    void badRulesFileIsReportedWithFileLineAndFieldAndTheServiceRunsUninstrumented() throws Exception
    {
        final Path rules = temp.resolve("rules.yaml");
        Files.writeString(rules, "rules:\n  - type: { name: io.hotpath.agent.testapp.TestApp }\n    method: tick\n" +
            "    metric: test_tick\n    kind: fastest\n");
        final Path spool = temp.resolve("spool");
        final ForkedJvm.Result run = ForkedJvm.run(ForkedJvm.command(ForkedJvm.java17(),
            "config=" + rules + ",spool.dir=" + spool, "-cp", testClassPath(), TestApp.class.getName(), "burst", "1000"), 60);
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().contains("result=499500"), run.stdout());
        assertTrue(run.stderr().contains("[hotpath] ERROR configuration error"), run.stderr());
        assertTrue(run.stderr().contains(rules + ":5:11: rules[0].kind: expected one of transport, p2p, migration, custom, got 'fastest'"),
            run.stderr());
        assertEquals(1, count(run.stderr(), "[hotpath]"), run.stderr());
        assertFalse(Files.exists(spool), "nothing spooled");
    }

    @Test
    void badSettingsAreReportedWithSourceKeyAndExpectationAndTheServiceRunsUninstrumented() throws Exception
    {
        final Path spool = temp.resolve("spool");
        final ForkedJvm.Result run = ForkedJvm.run(ForkedJvm.command(ForkedJvm.java17(),
            "config=" + ForkedJvm.testAppRules() + ",spool.dir=" + spool + ",ring.bytes=4x",
            "-cp", testClassPath(), TestApp.class.getName(), "burst", "1000"), 60);
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().contains("result=499500"), run.stdout());
        assertTrue(run.stderr().contains("[hotpath] ERROR configuration error, the service runs uninstrumented: " +
            "agent argument ring.bytes (hotpath.ring.bytes): expected a size in bytes from 1k to 1g"), run.stderr());
        assertTrue(run.stderr().contains("got '4x'"), run.stderr());
        assertEquals(1, count(run.stderr(), "[hotpath]"), run.stderr());
        assertFalse(Files.exists(spool), "nothing spooled");
    }

    /**
     * subtype-of and name-pattern rules instrument a method and its override; an override that
     * calls super.send is one call and must be recorded once per rule (the outermost call).
     */
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void nestedCallsOfOneRuleAreRecordedOnceAtTheOutermostLevel(final int jdk) throws Exception
    {
        final String java = jdk == 17 ? ForkedJvm.java17() : ForkedJvm.java25();
        Assumptions.assumeTrue(java != null, "Temurin 25 not installed");
        final Path spool = temp.resolve("spool");
        final int n = 200;
        final ForkedJvm.Result run = ForkedJvm.run(ForkedJvm.command(java,
            "config=" + ForkedJvm.testClasses().resolve("testapp-hierarchy-rules.yaml") + ",spool.dir=" + spool,
            "-cp", testClassPath(), TestApp.class.getName(), "hierarchy", String.valueOf(n)), 60);
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("", run.stderr());
        final SpoolReader reader = SpoolReader.read(SpoolReader.onlyQueue(spool));
        final Map<String, Long> counts = reader.samples.stream()
            .collect(Collectors.groupingBy(SpoolReader.Sample::metric, TreeMap::new, Collectors.counting()));
        assertEquals(Map.of("test_send_by_subtype", 3L * n, "test_send_by_pattern", 3L * n), counts);
        assertEquals(0, reader.lastStats().adviceErrors());
    }

    @Test
    void backgroundInstallRecordsOnceTheInstrumentationIsInPlace() throws Exception
    {
        final Path spool = temp.resolve("spool");
        final ForkedJvm.Result run = ForkedJvm.run(ForkedJvm.command(ForkedJvm.java17(),
            "config=" + ForkedJvm.testAppRules() + ",spool.dir=" + spool + ",startup.async=true,log.level=info",
            "-cp", testClassPath(), TestApp.class.getName(), "sleep-then-burst", "3000", "1000"), 60);
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("[hotpath] INFO installing in the background"), run.stderr());
        assertTrue(run.stdout().contains("result=499500"), run.stdout());
        assertEquals(1000, SpoolReader.read(SpoolReader.onlyQueue(spool)).samples.size());
    }

    @Test
    void unwritableSpoolFallsBackToTmpdirWithOneWarning() throws Exception
    {
        final ProcessBuilder builder = new ProcessBuilder(ForkedJvm.command(ForkedJvm.java17(),
            "config=" + ForkedJvm.testAppRules() + ",spool.dir=/proc/hotpath-cannot-exist",
            "-cp", testClassPath(), TestApp.class.getName(), "burst", "100"));
        builder.environment().put("TMPDIR", temp.toString());
        final Path err = temp.resolve("err.txt");
        final Process process = builder.redirectError(err.toFile()).redirectOutput(temp.resolve("out.txt").toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue());
        final String stderr = Files.readString(err);
        assertEquals(1, count(stderr, "[hotpath] WARN spool directory /proc/hotpath-cannot-exist is not usable"), stderr);
        assertEquals(1, count(stderr, "[hotpath]"), stderr);
        final SpoolReader reader = SpoolReader.read(SpoolReader.onlyQueue(temp.resolve("hotpath-spool")));
        assertEquals(100, reader.samples.size());
    }

    @Test
    void whenNoSpoolIsUsableRecordingStopsAndTheServiceRunsOn() throws Exception
    {
        final ProcessBuilder builder = new ProcessBuilder(ForkedJvm.command(ForkedJvm.java17(),
            "config=" + ForkedJvm.testAppRules() + ",spool.dir=/proc/hotpath-cannot-exist",
            "-cp", testClassPath(), TestApp.class.getName(), "sleep-then-burst", "1500", "1000"));
        builder.environment().put("TMPDIR", "/proc/no-tmp-either");
        final Path err = temp.resolve("err.txt");
        final Path out = temp.resolve("out.txt");
        final Process process = builder.redirectError(err.toFile()).redirectOutput(out.toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue());
        final String stderr = Files.readString(err);
        assertEquals(1, count(stderr, "[hotpath] WARN spool directory"), stderr);
        assertEquals(1, count(stderr, "[hotpath] ERROR the spool failed; recording stopped"), stderr);
        assertTrue(Files.readString(out).contains("result=499500"));
    }

    @Test
    void throwingAdviceIsCountedAndDoesNotBreakTheService() throws Exception
    {
        final Path spool = temp.resolve("spool");
        final ForkedJvm.Result run = ForkedJvm.run(ForkedJvm.command(ForkedJvm.java17(),
            "config=" + ForkedJvm.testAppRules() + ",spool.dir=" + spool,
            "-cp", testClassPath(), TestApp.class.getName(), "weird", "1000"), 60);
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().contains("result=499500"), run.stdout());
        assertEquals(1, count(run.stderr(), "[hotpath] ERROR a throwable was caught inside instrumentation advice"), run.stderr());
        final SpoolReader reader = SpoolReader.read(SpoolReader.onlyQueue(spool));
        assertEquals(1000, reader.lastStats().adviceErrors());
        assertEquals(0, reader.samples.size());
    }

    @Test
    void fullRingDropsAndCountsInsteadOfBlocking() throws Exception
    {
        final Path spool = temp.resolve("spool");
        final int calls = 300_000;
        final ForkedJvm.Result run = ForkedJvm.run(ForkedJvm.command(ForkedJvm.java17(),
            "config=" + ForkedJvm.testAppRules() + ",spool.dir=" + spool + ",ring.bytes=4k,drain.idleMs=2000",
            "-cp", testClassPath(), TestApp.class.getName(), "burst", String.valueOf(calls)), 60);
        assertEquals(0, run.exitCode(), run.stderr());
        final SpoolReader reader = SpoolReader.read(SpoolReader.onlyQueue(spool));
        final SpoolReader.Stats stats = reader.lastStats();
        assertEquals(4096, stats.ringCapacity());
        assertTrue(stats.dropped() > 0, stats.toString());
        assertEquals(calls, stats.recorded() + stats.dropped(), stats.toString());
        assertEquals(stats.recorded(), stats.drained(), stats.toString());
        assertEquals(stats.recorded(), reader.samples.size());
    }

    @Test
    void attachesToARunningJvmOnceAndRefusesASecondTime() throws Exception
    {
        final Path spool = temp.resolve("spool");
        final Path signal = temp.resolve("go");
        final Process app = new ProcessBuilder(ForkedJvm.java17(), "-cp", testClassPath(), TestApp.class.getName(),
            "wait-then-burst", signal.toString(), "500").redirectError(temp.resolve("app.err").toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8)))
        {
            assertEquals("ready", out.readLine());
            final List<String> attach = List.of(ForkedJvm.java17(), "-jar", ForkedJvm.agentJar().toString(), "attach",
                String.valueOf(app.pid()), "config=" + ForkedJvm.testAppRules(), "spool.dir=" + spool); // two arguments: both passed
            final ForkedJvm.Result first = ForkedJvm.run(attach, 60);
            assertEquals(0, first.exitCode(), first.stderr());
            final ForkedJvm.Result second = ForkedJvm.run(attach, 60);
            assertEquals(3, second.exitCode(), second.stderr());
            assertTrue(second.stderr().contains("already runs the hotpath agent"), second.stderr());

            Files.createFile(signal);
            assertEquals("result=124750", out.readLine());
            assertTrue(app.waitFor(60, TimeUnit.SECONDS));
        }
        finally
        {
            app.destroyForcibly();
        }
        final SpoolReader reader = SpoolReader.read(SpoolReader.onlyQueue(spool));
        assertEquals(500, reader.samples.size());
        assertEquals(List.of(), reader.violations);
    }

    @Test
    void relocatedDependenciesDoNotConflictWithTheApplicationsOwn() throws Exception
    {
        final Path libs = Path.of(System.getProperty("hotpath.conflict.libs"));
        final String classPath = String.join(File.pathSeparator, testClassPath(),
            libs.resolve("byte-buddy-1.14.18.jar").toString(), libs.resolve("agrona-1.21.2.jar").toString());
        final Path spool = temp.resolve("spool");
        final ForkedJvm.Result run = ForkedJvm.run(ForkedJvm.command(ForkedJvm.java17(),
            "config=" + ForkedJvm.testAppRules() + ",spool.dir=" + spool,
            "-cp", classPath, TestApp.class.getName(), "conflict", "100"), 60);
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().contains("byte-buddy-1.14.18.jar says generated by the app's Byte Buddy"), run.stdout());
        assertTrue(run.stdout().contains("agrona-1.21.2.jar value 42"), run.stdout());
        assertTrue(run.stdout().contains("result=4950"), run.stdout());
        final SpoolReader reader = SpoolReader.read(SpoolReader.onlyQueue(spool));
        assertEquals(100, reader.samples.size());
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void builtInPacksRecordHttpClientNioAndNetty(final int jdk) throws Exception
    {
        final String java = jdk == 17 ? ForkedJvm.java17() : ForkedJvm.java25();
        Assumptions.assumeTrue(java != null, "Temurin 25 not installed");
        final List<String> classPath = new ArrayList<>();
        classPath.add(testClassPath());
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator))
        {
            if (entry.contains("netty"))
            {
                classPath.add(entry);
            }
        }
        final Path spool = temp.resolve("spool");
        final int n = 20;
        final ForkedJvm.Result run = ForkedJvm.run(ForkedJvm.command(java,
            "packs=jdk-httpclient,nio,netty,spool.dir=" + spool,
            "-cp", String.join(File.pathSeparator, classPath), TestApp.class.getName(), "packs", String.valueOf(n)), 90);
        assertEquals(0, run.exitCode(), run.stderr() + run.stdout());
        final SpoolReader reader = SpoolReader.read(SpoolReader.onlyQueue(spool));
        final Map<String, Long> counts = reader.samples.stream()
            .collect(Collectors.groupingBy(SpoolReader.Sample::seriesKey, TreeMap::new, Collectors.counting()));
        final String all = counts.toString();
        assertEquals(n, counts.get("http_client_request{library=\"jdk-httpclient\",mode=\"sync\",status_class=\"2xx\"}"), all);
        assertEquals(n, counts.get("http_client_request{library=\"jdk-httpclient\",mode=\"async\",status_class=\"2xx\"}"), all);
        assertTrue(counts.getOrDefault("nio_socket_write{library=\"jdk-nio\"}", 0L) >= n, all);
        assertTrue(counts.getOrDefault("nio_socket_read{library=\"jdk-nio\"}", 0L) >= n, all);
        assertTrue(counts.getOrDefault("nio_socket_connect{library=\"jdk-nio\"}", 0L) >= 1, all);
        assertEquals(n, counts.get("netty_write_and_flush{library=\"netty\"}"), all);
        assertEquals(2, counts.get("netty_connect{library=\"netty\"}"), all);
        final List<SpoolReader.Sample> connects = reader.samples.stream().filter(s -> s.metric().equals("netty_connect")).toList();
        assertEquals(1, connects.stream().filter(s -> !s.error()).count(), connects.toString());
        assertTrue(connects.stream().anyMatch(s -> s.error() && s.errorType().endsWith("ConnectException")), connects.toString());
        assertTrue(reader.samples.stream().filter(s -> s.metric().equals("netty_write_and_flush")).allMatch(s -> s.payloadBytes() == 10));
        assertEquals(0, reader.lastStats().adviceErrors());
    }

    /**
     * The jdk-httpclient pack labels each call with its response's status class; a 503 from a real
     * loopback server is an error (http_5xx) by default, a refused connection is status_class none.
     */
    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void httpClientCallsCarryTheirStatusClassAndA5xxIsAnError(final int jdk) throws Exception
    {
        final String java = jdk == 17 ? ForkedJvm.java17() : ForkedJvm.java25();
        Assumptions.assumeTrue(java != null, "Temurin 25 not installed");
        final Path spool = temp.resolve("spool");
        final int n = 10;
        final ForkedJvm.Result run = ForkedJvm.run(ForkedJvm.command(java, "packs=jdk-httpclient,spool.dir=" + spool,
            "-cp", testClassPath(), TestApp.class.getName(), "http-status", String.valueOf(n)), 90);
        assertEquals(0, run.exitCode(), run.stderr() + run.stdout());
        assertTrue(run.stdout().contains("unavailable=" + 2 * n), "the application sees its 503s unchanged: " + run.stdout());
        assertTrue(run.stdout().contains("refused=ConnectException"), run.stdout());
        final SpoolReader reader = SpoolReader.read(SpoolReader.onlyQueue(spool));
        final Map<String, List<SpoolReader.Sample>> bySeries = reader.samples.stream()
            .collect(Collectors.groupingBy(SpoolReader.Sample::seriesKey, TreeMap::new, Collectors.toList()));
        final String all = bySeries.keySet().toString();
        for (final String mode : List.of("sync", "async"))
        {
            final String prefix = "http_client_request{library=\"jdk-httpclient\",mode=\"" + mode + "\",status_class=";
            final List<SpoolReader.Sample> ok = bySeries.get(prefix + "\"2xx\"}");
            final List<SpoolReader.Sample> unavailable = bySeries.get(prefix + "\"5xx\"}");
            assertEquals(n, ok == null ? 0 : ok.size(), all);
            assertEquals(n, unavailable == null ? 0 : unavailable.size(), all);
            assertTrue(ok.stream().noneMatch(SpoolReader.Sample::error), ok.toString());
            assertTrue(unavailable.stream().allMatch(s -> s.error() && "http_5xx".equals(s.errorType())), unavailable.toString());
        }
        final List<SpoolReader.Sample> refused =
            bySeries.get("http_client_request{library=\"jdk-httpclient\",mode=\"sync\",status_class=\"none\"}");
        assertTrue(refused != null && refused.size() == 1 && refused.get(0).error() &&
            refused.get(0).errorType().equals("ConnectException"), all + " " + refused);
        assertEquals(0, reader.lastStats().adviceErrors());
    }

    /**
     * An asynchronous call ends when its CompletableFuture completes, even when the caller chains a
     * slow callback afterwards (a future runs the last-chained callback first, so the agent's own
     * callback runs 100 ms late): with the completion hook the recorded durations are the ~10 ms the
     * placement takes; without it (hotpath.async.completionHook=false) they include the 100 ms.
     */
    @ParameterizedTest(name = "completion hook {0}")
    @ValueSource(booleans = {true, false})
    void anAsynchronousCallEndsWhenItsFutureCompletes(final boolean hook) throws Exception
    {
        final Path rules = temp.resolve("rules.yaml");
        Files.writeString(rules, "rules:\n  - type: { name: io.hotpath.agent.testapp.TestApp }\n    method: placeAsync\n    metric: test_place\n");
        final Path spool = temp.resolve("spool");
        final int n = 30;
        final ForkedJvm.Result run = ForkedJvm.run(ForkedJvm.command(ForkedJvm.java17(),
            "config=" + rules + ",spool.dir=" + spool + ",async.completionHook=" + hook,
            "-cp", testClassPath(), TestApp.class.getName(), "late-callback", String.valueOf(n)), 90);
        assertEquals(0, run.exitCode(), run.stderr());
        final List<Long> millis = SpoolReader.read(SpoolReader.onlyQueue(spool)).samples.stream()
            .map(s -> s.durationNanos() / 1_000_000).toList();
        assertEquals(n, millis.size(), millis.toString());
        // the hook is put in place at the first asynchronous call, on a background thread: judge the last 20
        final List<Long> last = millis.subList(n - 20, n).stream().sorted().toList();
        final long median = last.get(last.size() / 2);
        if (hook)
        {
            assertTrue(median < 60, "durations end at completion, not after the 100 ms callback: " + millis);
        }
        else
        {
            assertTrue(median >= 100, "without the hook the late callback's time is recorded: " + millis);
        }
    }

    private static int count(final String text, final String needle)
    {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1))
        {
            count++;
        }
        return count;
    }
}
