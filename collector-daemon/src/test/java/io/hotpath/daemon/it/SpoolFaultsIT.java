package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.daemon.testkit.DaemonProcess;
import io.hotpath.daemon.testkit.DemoProcess;
import io.hotpath.daemon.testkit.ExternalProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A damaged, unreadable or full spool against the real hotpathd process, with real queues written
 * by the real agent (the demo service under {@code -javaagent}). Processes run as {@code nobody}
 * ({@code setpriv}; the tests run as root here and in CI, and root reads any file), so that a file
 * or directory hotpathd may not read is a real permission error.
 *
 * <p>In one spool: a healthy live service, a live service whose cycle file is truncated under its
 * writer, and copies of a finished real queue with its cycle file truncated, its first 8 KiB
 * overwritten, 4 KiB of random bytes in its middle, {@code metadata.cq4t} overwritten, its cycle
 * file unreadable, its directory unreadable. hotpathd never exits, {@code /health} answers 200 at
 * every 100 ms poll, no rotation is more than 1 s late, the healthy service's counts are exact,
 * the unreadable ones are quarantined ({@code permission}) and read once fixed, and every damaged
 * queue's samples are counted or counted as lost against its agent's own AGENT_STATS.
 */
class SpoolFaultsIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> AS_NOBODY = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups");

    /** A process started as nobody (see the class comment), output to a log file. */
    private static final class Started extends ExternalProcess
    {
        Started(final String name, final List<String> command, final Path log) throws IOException
        {
            super(name, command, log);
        }

        void ready(final String url)
        {
            awaitReady(url, Duration.ofSeconds(60));
        }
    }

    private static Path workDirectory() throws IOException
    {
        // Not @TempDir: its 0700 root directory would keep nobody out.
        final Path dir = Path.of("target", "spool-faults-it", Long.toString(System.nanoTime())).toAbsolutePath();
        Files.createDirectories(dir);
        run("chmod", "-R", "0777", Path.of("target", "spool-faults-it").toAbsolutePath().toString());
        return dir;
    }

    private static boolean root()
    {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void run(final String... command) throws IOException
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0)
            {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static List<String> java(final String... arguments)
    {
        final List<String> command = new ArrayList<>(AS_NOBODY);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(List.of(arguments));
        return command;
    }

    private static Started demo(final Path work, final Path spool, final String service, final String duration) throws IOException
    {
        return demo(work, spool, service, "--duration", duration, "--rate", "150");
    }

    private static Started demo(final Path work, final Path spool, final String service, final String... options) throws IOException
    {
        final List<String> arguments = new ArrayList<>(List.of(
            "-javaagent:" + DemoProcess.agentJar() + "=config=" + DemoProcess.demoRules() + ",spool.dir=" + spool + ",service.name=" + service,
            "-jar", DemoProcess.demoJar().toString(), "--error-ratio", "0.02", "--results", work.resolve(service + ".tsv").toString()));
        arguments.addAll(List.of(options));
        return new Started("demo-" + service, java(arguments.toArray(new String[0])), work.resolve(service + ".log"));
    }

    private static void awaitExit(final Started process, final Duration timeout) throws InterruptedException
    {
        assertTrue(process.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS), process.log());
    }

    private static Path queueOf(final Path spool, final String service) throws IOException
    {
        try (Stream<Path> queues = Files.list(spool))
        {
            return queues.filter(q -> q.getFileName().toString().startsWith(service + "-")).findFirst().orElseThrow();
        }
    }

    private static Path cycleFile(final Path queue) throws IOException
    {
        try (Stream<Path> files = Files.list(queue))
        {
            return files.filter(f -> f.getFileName().toString().endsWith(".cq4")).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    private static void overwrite(final Path file, final long offset, final int length, final long seed) throws IOException
    {
        final byte[] bytes = new byte[length];
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)random.nextInt(256);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(bytes), offset);
        }
    }

    /** End of the data of a cycle file written by the agent (its last non-zero byte, rounded up). */
    private static long dataEnd(final Path file) throws IOException
    {
        final byte[] bytes = new byte[1 << 20];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final int read = channel.read(ByteBuffer.wrap(bytes), 0);
            for (int i = read - 1; i >= 0; i--)
            {
                if (bytes[i] != 0)
                {
                    return i + 1;
                }
            }
        }
        return 0;
    }

    private static long exactCalls(final Path results) throws IOException
    {
        return DemoProcess.exactResults(results).stream().mapToLong(DemoProcess.ExactSeries::count).sum();
    }

    private static double calls(final String metrics, final String service)
    {
        return MetricsText.samples(metrics, "hotpath_calls_total").entrySet().stream()
            .filter(e -> e.getKey().contains("service=\"" + service + "\"")).mapToDouble(Map.Entry::getValue).sum();
    }

    private static JsonNode queueEntry(final JsonNode health, final String queue)
    {
        for (final JsonNode entry : health.get("queues").get("list"))
        {
            if (entry.get("queue").asText().equals(queue))
            {
                return entry;
            }
        }
        return null;
    }

    /** Polls /health every 100 ms: status codes and the age of the last rotation (lateness = age beyond 1 s). */
    private static final class HealthWatch implements AutoCloseable
    {
        final AtomicInteger polls = new AtomicInteger();
        final AtomicInteger not200 = new AtomicInteger();
        final AtomicLong maxRotationAgeMillis = new AtomicLong();
        final List<String> failures = new CopyOnWriteArrayList<>();
        /** When the oldest rotation was seen. */
        final AtomicLong maxAgeAtMillis = new AtomicLong();
        /** The machine's own lateness meanwhile: the longest 10 ms of computing in this JVM waited for a core (2 cores shared by many builds). */
        final AtomicLong maxOversleepMillis = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private final Thread control;

        HealthWatch(final String url)
        {
            control = new Thread(() ->
            {
                // As the aggregation thread does: wake up, compute ~10 ms, sleep. On a machine this loaded a
                // thread that computes waits for a core; how long beyond its own CPU time is the machine's share.
                final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                long sink = 0;
                while (running.get())
                {
                    final long wallStart = System.nanoTime();
                    final long cpuStart = threads.getCurrentThreadCpuTime();
                    while (threads.getCurrentThreadCpuTime() - cpuStart < 10_000_000L)
                    {
                        for (int i = 0; i < 10_000; i++)
                        {
                            sink += i * 31L ^ sink;
                        }
                    }
                    final long waited = (System.nanoTime() - wallStart - (threads.getCurrentThreadCpuTime() - cpuStart)) / 1_000_000;
                    maxOversleepMillis.accumulateAndGet(waited + (sink == 42 ? 1 : 0), Math::max);
                    try
                    {
                        Thread.sleep(90);
                    }
                    catch (final InterruptedException e)
                    {
                        return;
                    }
                }
            }, "starvation-control");
            control.setDaemon(true);
            control.start();
            thread = new Thread(() ->
            {
                while (running.get())
                {
                    try
                    {
                        final HttpResponse<String> response = ExternalProcess.get(url + "/health");
                        polls.incrementAndGet();
                        if (response.statusCode() != 200)
                        {
                            not200.incrementAndGet();
                            failures.add(response.statusCode() + " " + response.body());
                        }
                        final double age = JSON.readTree(response.body()).get("lastRotation").get("ageSeconds").asDouble();
                        if ((long)(age * 1000) > maxRotationAgeMillis.get())
                        {
                            maxRotationAgeMillis.set((long)(age * 1000));
                            maxAgeAtMillis.set(System.currentTimeMillis());
                        }
                        Thread.sleep(100);
                    }
                    catch (final Exception e)
                    {
                        failures.add(e.toString());
                        not200.incrementAndGet();
                    }
                }
            }, "health-watch");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException
        {
            running.set(false);
            thread.join(15_000);
            control.join(5_000);
        }

        /**
         * Rotations are due every second: an age beyond 2 s is a rotation more than 1 s late. A
         * machine this loaded (load average far above its cores) also delays any thread, this
         * test's own included: what it overslept meanwhile is allowed on top, and reported.
         */
        void assertRotationsOnTime()
        {
            final long allowed = 2_000 + maxOversleepMillis.get();
            assertTrue(maxRotationAgeMillis.get() < allowed, "oldest rotation seen " + maxRotationAgeMillis.get() + " ms at " +
                Instant.ofEpochMilli(maxAgeAtMillis.get()) + "; allowed " + allowed + " ms (10 ms of computing here waited up to " +
                maxOversleepMillis.get() + " ms for a core)");
        }

        String summary()
        {
            return "/health polls " + polls.get() + ", not 200: " + not200.get() + ", oldest rotation seen " + maxRotationAgeMillis.get() +
                " ms (10 ms of computing in the test JVM waited up to " + maxOversleepMillis.get() + " ms for a core meanwhile)";
        }
    }

    /**
     * The spool on a full file system: a 2 MiB tmpfs where mounting is permitted (root here and in
     * CI); otherwise the same effect on the reader's side is injected — the live cycle file cut
     * short under its writer, as a write that found no space leaves it — and the test says which.
     */
    @Test
    void aFullSpoolFileSystemNeverStopsHotpathd() throws Exception
    {
        assumeTrue(root(), "needs root to mount a small tmpfs and to run the processes as nobody");
        final Path work = workDirectory();
        final Path spool = work.resolve("full-spool");
        final Path state = work.resolve("state");
        Files.createDirectories(spool);
        Files.createDirectories(state);
        boolean mounted;
        try
        {
            run("mount", "-t", "tmpfs", "-o", "size=2m,mode=0777", "tmpfs", spool.toString());
            mounted = true;
        }
        catch (final IOException notPermitted)
        {
            mounted = false;
        }
        System.out.println(mounted ? "full file system: a real 2 MiB tmpfs" :
            "full file system: mount not permitted here; injected instead (the live cycle file cut short under its writer)");
        run("chown", "-R", "nobody:nogroup", spool.toString(), state.toString());
        final int port = ExternalProcess.freePort();
        final String url = "http://127.0.0.1:" + port;
        try (Started daemon = new Started("hotpathd", java("-jar", DaemonProcess.jar().toString(), "--spool", spool.toString(),
            "--state-dir", state.toString(), "--listen", "127.0.0.1:" + port), work.resolve("hotpathd.log")))
        {
            daemon.ready(url + "/health");
            try (HealthWatch watch = new HealthWatch(url))
            {
                // Fast enough to fill 2 MiB within its run.
                final Started filler = new Started("demo-filler", java(
                    "-javaagent:" + DemoProcess.agentJar() + "=config=" + DemoProcess.demoRules() + ",spool.dir=" + spool +
                        ",service.name=filler", "-jar", DemoProcess.demoJar().toString(), "--calls", "20000", "--rate", "2000"),
                    work.resolve("filler.log"));
                final Path fillerQueue = awaitData(spool, "filler", 100_000, filler);
                if (mounted)
                {
                    // The file system fills up under the writing agent: a ballast file takes every block left.
                    long ballastBytes = 0;
                    try (FileChannel ballast = FileChannel.open(spool.resolve("ballast"), StandardOpenOption.CREATE, StandardOpenOption.WRITE))
                    {
                        final ByteBuffer block = ByteBuffer.allocate(4096);
                        while (true)
                        {
                            block.clear();
                            ballastBytes += ballast.write(block);
                        }
                    }
                    catch (final IOException full)
                    {
                        System.out.println("full spool: " + ballastBytes + " bytes of ballast, then " + full);
                    }
                }
                else
                {
                    try (FileChannel channel = FileChannel.open(cycleFile(fillerQueue), StandardOpenOption.WRITE))
                    {
                        channel.truncate(100_000);
                    }
                }
                filler.process().waitFor(120, TimeUnit.SECONDS);
                Thread.sleep(3_000);
                final JsonNode health = JSON.readTree(ExternalProcess.get(url + "/health").body());
                System.out.println("full spool: filler exited " + (filler.process().isAlive() ? "(still running)" :
                    filler.process().exitValue()) + ";  queues " + health.get("queues") + "; " + watch.summary() + "; df: " + (mounted ? dfLine(spool) : "-"));
                assertTrue(daemon.process().isAlive(), "hotpathd never exited:\n" + daemon.log());
                assertTrue(watch.polls.get() > 50, "polled /health throughout: " + watch.polls.get());
                assertEquals(List.of(), watch.failures, "/health answered 200 at every poll");
                watch.assertRotationsOnTime();
                final JsonNode queue = health.get("queues").get("list").get(0);
                assertTrue(queue != null && queue.get("samples").get("counted").asLong() > 0, "the filler's queue was read: " + health);
                filler.close();
            }
        }
        finally
        {
            if (mounted)
            {
                run("umount", "-l", spool.toString());
            }
            run("chmod", "-R", "a+rwX", work.toString());
        }
    }

    /** The queue of {@code service} once its cycle file holds {@code bytes} of data. */
    private static Path awaitData(final Path spool, final String service, final long bytes, final Started writer) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline)
        {
            try
            {
                final Path queue = queueOf(spool, service);
                if (dataEnd(cycleFile(queue)) > bytes)
                {
                    return queue;
                }
            }
            catch (final RuntimeException | IOException notYet)
            {
                // the agent has not created it yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(service + "'s queue never held " + bytes + " bytes:\n" + writer.log());
    }

    private static String dfLine(final Path path)
    {
        try
        {
            final Process process = new ProcessBuilder("df", "-k", path.toString()).redirectErrorStream(true).start();
            final String[] lines = new String(process.getInputStream().readAllBytes()).trim().split("\n");
            process.waitFor(10, TimeUnit.SECONDS);
            return lines[lines.length - 1];
        }
        catch (final IOException | InterruptedException e)
        {
            return e.toString();
        }
    }

    @Test
    void damagedAndUnreadableQueuesNeverStopHotpathdNorStallTheOthers() throws Exception
    {
        assumeTrue(root(), "needs root to run hotpathd and the agents as nobody (and to make files only root may read)");
        final Path work = workDirectory();
        final Path staging = work.resolve("staging");
        final Path spool = work.resolve("spool");
        final Path state = work.resolve("state");
        Files.createDirectories(staging);
        Files.createDirectories(spool);
        Files.createDirectories(state);
        run("chown", "-R", "nobody:nogroup", staging.toString(), spool.toString(), state.toString());

        // A finished real queue to damage: the demo under the agent, as nobody.
        // A fixed number of calls (not a duration): enough data whatever the machine's load.
        final Started source = demo(work, staging, "victim", "--calls", "1500", "--rate", "1000");
        awaitExit(source, Duration.ofSeconds(90));
        final Path original = queueOf(staging, "victim");
        final long victimCalls = exactCalls(work.resolve("victim.tsv"));
        final long end = dataEnd(cycleFile(original));
        final String[] cases = { "truncated", "head8k", "middle4k", "metadata", "unreadablefile", "unreadabledir" };
        final String victimName = original.getFileName().toString();
        final String startMillis = victimName.substring(victimName.lastIndexOf('-') + 1);
        final Map<String, Path> victims = new LinkedHashMap<>();
        for (int i = 0; i < cases.length; i++)
        {
            // Same queue, another (dead) pid in the name: one queue directory per case.
            final Path copy = spool.resolve("victim-" + (900_001 + i) + "-" + startMillis);
            run("cp", "-a", "--sparse=always", original.toString(), copy.toString());
            victims.put(cases[i], copy);
        }
        try (FileChannel channel = FileChannel.open(cycleFile(victims.get("truncated")), StandardOpenOption.WRITE))
        {
            channel.truncate(65_808 + (end - 65_808) / 2);
        }
        overwrite(cycleFile(victims.get("head8k")), 0, 8192, 8);
        overwrite(cycleFile(victims.get("middle4k")), 65_808 + (end - 65_808) / 2 - 2048, 4096, 4);
        final Path metadata = victims.get("metadata").resolve("metadata.cq4t");
        overwrite(metadata, 0, (int)Files.size(metadata), 3);
        final Path unreadableFile = cycleFile(victims.get("unreadablefile"));
        run("chown", "root:root", unreadableFile.toString());
        run("chmod", "0000", unreadableFile.toString());
        run("chown", "root:root", victims.get("unreadabledir").toString());
        run("chmod", "0000", victims.get("unreadabledir").toString());

        final int port = ExternalProcess.freePort();
        final String url = "http://127.0.0.1:" + port;
        final Started daemon = new Started("hotpathd", java("-jar", DaemonProcess.jar().toString(), "--spool", spool.toString(),
            "--state-dir", state.toString(), "--listen", "127.0.0.1:" + port), work.resolve("hotpathd.log"));
        try (daemon)
        {
            daemon.ready(url + "/health");
            final Started healthy;
            final Started liveCut;
            try (HealthWatch watch = new HealthWatch(url))
            {
                // Fixed numbers of calls, not durations: the same data whatever the machine's load.
                healthy = demo(work, spool, "healthy", "--calls", "1500", "--rate", "150");
                liveCut = demo(work, spool, "livecut", "--calls", "3000", "--rate", "150");
                // Under its live writer: cut the live service's cycle file once it holds some data.
                final Path liveQueue = awaitData(spool, "livecut", 90_000, liveCut);
                try (FileChannel channel = FileChannel.open(cycleFile(liveQueue), StandardOpenOption.WRITE))
                {
                    channel.truncate(80_000);
                }
                awaitExit(healthy, Duration.ofSeconds(180));
                liveCut.process().waitFor(120, TimeUnit.SECONDS);

                // The healthy service: exact, whatever the others' files are like.
                final long want = exactCalls(work.resolve("healthy.tsv"));
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                double got = calls(ExternalProcess.get(url + "/metrics").body(), "healthy");
                while (got != want && System.nanoTime() < deadline)
                {
                    Thread.sleep(250);
                    got = calls(ExternalProcess.get(url + "/metrics").body(), "healthy");
                }
                assertEquals((double)want, got, "the healthy service's calls, exactly\n" + daemon.log());

                // The unreadable ones: quarantined for permission, then read once fixed.
                JsonNode health = JSON.readTree(ExternalProcess.get(url + "/health").body());
                for (final String unreadable : List.of("unreadablefile", "unreadabledir"))
                {
                    final JsonNode entry = queueEntry(health, victims.get(unreadable).getFileName().toString());
                    assertTrue(entry != null, unreadable + " listed in /health: " + health);
                    assertEquals("quarantined", entry.get("state").asText(), unreadable + ": " + entry);
                    assertEquals("permission", entry.get("problem").asText(), unreadable + ": " + entry);
                }
                final String metrics = ExternalProcess.get(url + "/metrics").body();
                assertEquals(2.0, MetricsText.samples(metrics, "hotpath_daemon_queues")
                    .getOrDefault("{state=\"quarantined\",reason=\"permission\"}", 0.0), metrics);
                run("chown", "-R", "nobody:nogroup", victims.get("unreadabledir").toString(), unreadableFile.toString());
                run("chmod", "0750", victims.get("unreadabledir").toString());
                run("chmod", "0640", unreadableFile.toString());

                // Every damaged queue read to its end; each one's samples counted or counted as lost.
                final long readDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                boolean allRead = false;
                while (!allRead && System.nanoTime() < readDeadline)
                {
                    Thread.sleep(500);
                    health = JSON.readTree(ExternalProcess.get(url + "/health").body());
                    allRead = true;
                    for (final Path victim : victims.values())
                    {
                        final JsonNode entry = queueEntry(health, victim.getFileName().toString());
                        allRead &= entry != null && "finished".equals(entry.get("state").asText());
                    }
                }
                assertTrue(allRead, "every victim queue read to its end: " + health + "\n" + daemon.log());
                final StringBuilder table = new StringBuilder("victim queues (the demo made " + victimCalls + " calls):\n");
                for (final Map.Entry<String, Path> victim : victims.entrySet())
                {
                    final JsonNode samples = queueEntry(health, victim.getValue().getFileName().toString()).get("samples");
                    final JsonNode atStats = samples.get("atLastAgentStats");
                    table.append(String.format("  %-15s counted %6d lost %5d skipped %7d bytes; at the last AGENT_STATS written %6d " +
                        "counted %6d lost %5d unexplained %d%n", victim.getKey(), samples.get("counted").asLong(),
                        samples.get("lost").asLong(), samples.get("bytesSkipped").asLong(),
                        atStats == null ? -1 : atStats.get("written").asLong(), atStats == null ? -1 : atStats.get("counted").asLong(),
                        atStats == null ? -1 : atStats.get("lost").asLong(), atStats == null ? -1 : atStats.get("unexplained").asLong()));
                    if (!victim.getKey().equals("truncated"))
                    {
                        // The agent's final AGENT_STATS survives: everything it wrote is counted or counted as lost.
                        assertTrue(atStats != null, victim.getKey() + ": " + samples);
                        assertEquals(0, atStats.get("unexplained").asLong(), victim.getKey() + ": " + samples);
                        assertEquals(victimCalls, samples.get("counted").asLong() + samples.get("lost").asLong(),
                            victim.getKey() + ": " + samples);
                    }
                    else
                    {
                        // Cut in the middle of its data: some read, the rest gone with no AGENT_STATS left after the cut.
                        assertTrue(samples.get("counted").asLong() + samples.get("lost").asLong() > 0 &&
                            samples.get("counted").asLong() < victimCalls, table.toString());
                    }
                }
                final JsonNode liveEntry = queueEntry(health, liveQueue.getFileName().toString());
                table.append("  live cut under its writer: ").append(liveEntry).append('\n');
                assertTrue(liveEntry.get("problem") == null || !"internal_error".equals(liveEntry.get("problem").asText()),
                    "no unexpected failure reading the cut file: " + liveEntry);
                System.out.println(table);
                System.out.println(watch.summary());
                assertTrue(daemon.process().isAlive(), "hotpathd still running:\n" + daemon.log());
                assertTrue(watch.polls.get() > 100, "polled /health throughout: " + watch.polls.get());
                assertEquals(List.of(), watch.failures, "/health answered 200 at every poll");
                watch.assertRotationsOnTime();
            }
            assertTrue(daemon.process().isAlive(), "hotpathd never exited:\n" + daemon.log());
        }
        finally
        {
            run("chmod", "-R", "a+rwX", work.toString());
        }
    }
}
