package io.hotpath.agent.it;

import io.hotpath.agent.testapp.TestApp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rules reload in a running service whose behaviour never changes ({@code TestApp steady}: batches of
 * 200 000 calls of a small method, each checked, and their CPU cost): a rule added to the file records
 * within 5 s; removed, the method costs what it cost uninstrumented; a file that fails validation
 * keeps the rules in force and says why; {@code reload <pid>} (attach) applies a change the file
 * watcher did not see; the unchanged rule keeps one series throughout. JDK 17 and Temurin 25.
 */
class RulesReloadIT
{
    @TempDir
    Path temp;

    private static final String TICK = "  - type: { name: io.hotpath.agent.testapp.TestApp$Steady }\n    method: tick\n    metric: test_tick\n";
    private static final String WORK = "  - type: { name: io.hotpath.agent.testapp.TestApp$Steady }\n    method: work\n    metric: test_work\n";

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void rulesFollowTheFileWithoutARestart(final int jdk) throws Exception
    {
        final String java = jdk == 17 ? ForkedJvm.java17() : ForkedJvm.java25();
        Assumptions.assumeTrue(java != null, "Temurin 25 not installed");
        final Path rules = temp.resolve("rules.yaml");
        final Path spool = temp.resolve("spool");
        final Path stop = temp.resolve("stop");
        Files.writeString(rules, "rules:\n" + TICK);
        final List<String> command = new ArrayList<>(ForkedJvm.command(java, "config=" + rules + ",spool.dir=" + spool + ",log.level=info",
            "-cp", ForkedJvm.testClasses().toString(), TestApp.class.getName(), "steady", stop.toString()));
        command.add(1, "-XX:+EnableDynamicAgentLoading");
        final Path err = temp.resolve("err.txt");
        final Process app = new ProcessBuilder(command).redirectError(err.toFile()).start();
        final List<long[]> costs = Collections.synchronizedList(new ArrayList<>());
        final List<String> output = Collections.synchronizedList(new ArrayList<>());
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8)))
            {
                for (String line = out.readLine(); line != null; line = out.readLine())
                {
                    output.add(line);
                    if (line.startsWith("cost "))
                    {
                        final String[] parts = line.split(" ");
                        costs.add(new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
                    }
                }
            }
            catch (final Exception ignore)
            {
                // the process ended
            }
        });
        reader.start();
        try
        {
            awaitLine(output, "ready", 60);
            Thread.sleep(4000);
            final long baselineEnd = System.currentTimeMillis();

            Files.writeString(rules, "rules:\n" + TICK + WORK);
            final long added = System.currentTimeMillis();
            Thread.sleep(6000);
            final long instrumentedEnd = System.currentTimeMillis();

            Files.writeString(rules, "rules:\n" + TICK);
            final long removed = System.currentTimeMillis();
            Thread.sleep(6000);
            final long removedEnd = System.currentTimeMillis();

            Files.writeString(rules, "rules:\n" + TICK + "    kind: fastest\n");
            final long invalid = System.currentTimeMillis();
            Thread.sleep(3000);

            // same size and modification time as before: only the attach trigger can notice it
            final FileTime before = Files.getLastModifiedTime(rules);
            Files.writeString(rules, "rules:\n" + TICK + "    kind: p2p    \n");
            Files.setLastModifiedTime(rules, before);
            final ForkedJvm.Result reload = ForkedJvm.run(List.of(java, "-jar", ForkedJvm.agentJar().toString(), "reload",
                String.valueOf(app.pid())), 60);
            assertEquals(0, reload.exitCode(), reload.stdout() + reload.stderr());
            assertTrue(reload.stdout().contains("reload requested in JVM " + app.pid()), reload.stdout());
            Thread.sleep(3000);

            Files.createFile(stop);
            assertTrue(app.waitFor(60, TimeUnit.SECONDS));
            reader.join(10_000);
            final String stderr = Files.readString(err);
            assertEquals(0, app.exitValue(), stderr);
            assertTrue(output.contains("bad-batches=0"), "the service computes the same across reloads: " + output);
            assertTrue(stderr.contains("rules reloaded (" + rules + " changed): 2 rules, 1 added, 0 removed"), stderr);
            assertTrue(stderr.contains("rules reloaded (" + rules + " changed): 1 rules, 0 added, 1 removed"), stderr);
            assertTrue(stderr.contains("[hotpath] ERROR rules reload (" + rules + " changed) refused, the 1 rules in force stay: " +
                rules + ":5:11: rules[0].kind: expected one of transport, p2p, migration, custom, got 'fastest'"), stderr);
            assertTrue(stderr.contains("rules reloaded (requested by hotpath reload): 1 rules, 1 added, 1 removed"), stderr);

            final SpoolReader spooled = SpoolReader.read(SpoolReader.onlyQueue(spool));
            final List<SpoolReader.Sample> work = spooled.samples.stream().filter(s -> s.metric().equals("test_work")).toList();
            assertTrue(!work.isEmpty(), "the added rule recorded");
            final long firstWorkMillis = work.stream().mapToLong(SpoolReader.Sample::endEpochNanos).min().getAsLong() / 1_000_000;
            assertTrue(firstWorkMillis - added <= 5000, "the added rule recorded " + (firstWorkMillis - added) + " ms after the change");
            final long lastWorkMillis = work.stream().mapToLong(SpoolReader.Sample::endEpochNanos).max().getAsLong() / 1_000_000;
            assertTrue(lastWorkMillis - removed <= 5000, "the removed rule stopped " + (lastWorkMillis - removed) + " ms after the change");
            final long ticksAfterInvalid = spooled.samples.stream()
                .filter(s -> s.metric().equals("test_tick") && s.endEpochNanos() / 1_000_000 > invalid + 1500).count();
            assertTrue(ticksAfterInvalid > 0, "the rules in force stay after an invalid file");
            // one series for the rule unchanged across three reloads, one for it changed (kind p2p) by the last
            assertEquals(2, spooled.seriesKeys.values().stream().filter(k -> k.startsWith("test_tick{")).count(),
                "the unchanged rule keeps its one series: " + spooled.seriesKeys);
            assertTrue(spooled.samples.stream().anyMatch(s -> s.metric().equals("test_tick") && s.kind().equals("p2p")),
                "the rule changed through hotpath reload records as changed");

            // cost of the 200 000 work calls: uninstrumented, instrumented, then removed again (thread CPU time, medians)
            final long baseline = median(costs, 0, baselineEnd);
            final long instrumented = median(costs, added + 2000, instrumentedEnd);
            final long restored = median(costs, removed + 3000, removedEnd);
            final String figures = "batch CPU ns: uninstrumented " + baseline + ", instrumented " + instrumented + ", removed " + restored;
            System.out.println("RulesReloadIT JDK " + jdk + ": " + figures);
            assertTrue(instrumented > 3 * restored, figures);
            assertTrue(restored <= 2 * baseline + 200_000, "removing the rule restores the uninstrumented cost: " + figures);
        }
        finally
        {
            app.destroyForcibly();
        }
    }

    private static long median(final List<long[]> costs, final long from, final long to)
    {
        final List<Long> window;
        synchronized (costs)
        {
            window = costs.stream().filter(c -> c[0] >= from && c[0] <= to).map(c -> c[1]).sorted().collect(Collectors.toList());
        }
        assertTrue(window.size() >= 3, "too few batches between " + from + " and " + to + ": " + window);
        return window.get(window.size() / 2);
    }

    private static void awaitLine(final List<String> output, final String line, final int seconds) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!output.contains(line) && System.nanoTime() < deadline)
        {
            Thread.sleep(50);
        }
        assertTrue(output.contains(line), "no '" + line + "' from the service: " + output);
    }
}
