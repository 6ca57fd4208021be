package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.daemon.testkit.DaemonProcess;
import io.hotpath.daemon.testkit.ExternalProcess;
import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.MetricKind;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;

/**
 * Issue 12, item 6, with the real daemon ({@code java -jar hotpathd.jar}):
 * <ul>
 *   <li>an unusable spool or state directory (a regular file, under a regular file) stops the start
 *       with exit 2 and a message naming the path and the problem — never a daemon that says ok;</li>
 *   <li>a full state file system: checkpoint writes fail, are counted
 *       ({@code hotpath_daemon_checkpoint_failures_total}, {@code /health} checkpoint section) and
 *       logged once for the streak; {@code /health} stays 200 and counting goes on; once there is room
 *       again checkpoints are written again. Where the test may mount (root), the state directory is
 *       a 512 KiB tmpfs filled to the last byte (ENOSPC); elsewhere the same kind of failure is
 *       injected at the file-system boundary (the checkpoint's temporary file name taken by a
 *       directory). The test prints which.</li>
 * </ul>
 */
class StateAndSpoolDirectoriesIT
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void unusableDirectoriesStopTheStartWithExit2NamingThePath() throws Exception
    {
        final Path file = Files.writeString(temp.resolve("a-file"), "not a directory\n");
        final Path goodSpool = temp.resolve("spool");
        final Path goodState = temp.resolve("state");
        final Map<List<String>, String> cases = Map.of(
            List.of("--spool", file.resolve("spool").toString(), "--state-dir", goodState.toString()),
            "spool.dir " + file.resolve("spool") + ": cannot be created: " + file + " is a regular file, not a directory",
            List.of("--spool", file.toString(), "--state-dir", goodState.toString()),
            "spool.dir " + file + ": is not a directory (it is a regular file)",
            List.of("--spool", goodSpool.toString(), "--state-dir", file.toString()),
            "state.dir " + file + ": is not a directory (it is a regular file)");
        for (final Map.Entry<List<String>, String> entry : cases.entrySet())
        {
            final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", DaemonProcess.jar().toString(),
                "--listen", "127.0.0.1:" + ExternalProcess.freePort()));
            command.addAll(entry.getKey());
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String output;
            try (var in = process.getInputStream())
            {
                assertTrue(process.waitFor(60, TimeUnit.SECONDS), "hotpathd did not exit: " + entry.getKey());
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertEquals(2, process.exitValue(), entry.getKey() + ":\n" + output);
            assertTrue(output.contains("hotpathd: configuration error: " + entry.getValue()), entry.getKey() + ":\n" + output);
        }
    }

    /**
     * A spool the daemon's user cannot list (0700, another owner). As root the test drops to user
     * {@code nobody} with {@code setpriv} (root reads everything); it is skipped where neither works.
     */
    @Test
    void anUnreadableSpoolStopsTheStartWithExit2() throws Exception
    {
        final boolean root = "root".equals(System.getProperty("user.name"));
        org.junit.jupiter.api.Assumptions.assumeTrue(!root || new File("/usr/bin/setpriv").canExecute(),
            "running as root without setpriv: cannot drop privileges");
        // A directory every user can traverse: the test's own temp directory may be private.
        final Path base = Files.createTempDirectory(Path.of("/tmp"), "hotpathd-unreadable-");
        try
        {
            Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
            final Path spool = Files.createDirectory(base.resolve("spool"));
            Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwx------"));
            final Path state = Files.createDirectory(base.resolve("state"));
            final List<String> command = new ArrayList<>();
            if (root)
            {
                Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
                command.addAll(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
            }
            else
            {
                // Not root: the spool must not be ours to read.
                Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("-w-------"));
            }
            final Path jar = Files.copy(DaemonProcess.jar(), base.resolve("hotpathd.jar"));
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "--listen", "127.0.0.1:" + ExternalProcess.freePort(), "--spool", spool.toString(), "--state-dir", state.toString()));
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String output;
            try (var in = process.getInputStream())
            {
                assertTrue(process.waitFor(60, TimeUnit.SECONDS), "hotpathd did not exit");
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertEquals(2, process.exitValue(), output);
            assertTrue(output.contains("hotpathd: configuration error: spool.dir " + spool + ": is not readable by user "), output);
        }
        finally
        {
            try (var walk = Files.walk(base))
            {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aFullStateFileSystemIsCountedAndLoggedOnceWhileServingGoesOn() throws Exception
    {
        final Path spool = temp.resolve("spool");
        final Path state = temp.resolve("state");
        Files.createDirectories(state);
        final boolean mounted = mountSmallTmpfs(state);
        System.out.println("StateAndSpoolDirectoriesIT: full state file system " + (mounted
            ? "= a 512 KiB tmpfs filled to ENOSPC" : "injected at the file-system boundary (no mount permitted)"));
        final Path filler = state.resolve("filler");
        try (TestQueueWriter writer = TestQueueWriter.create(spool, "full-state", System.currentTimeMillis());
             DaemonProcess daemon = DaemonProcess.start(spool, state, temp.resolve("hotpathd.log")))
        {
            writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "quic");
            write(writer, 100);
            awaitMetric(daemon, "hotpath_calls_total", v -> v == 100);

            if (mounted)
            {
                fill(filler);
            }
            else
            {
                takeTemporaryName(state.resolve("checkpoint.json.tmp"));
            }
            // An unchanged checkpoint is not rewritten: new counts make the next ones due (and failing).
            write(writer, 50);
            awaitMetric(daemon, "hotpath_daemon_checkpoint_failures_total", v -> v >= 3);
            awaitMetric(daemon, "hotpath_calls_total", v -> v == 150);
            final JsonNode failing = health(daemon);
            assertEquals(200, ExternalProcess.get(daemon.url() + "/health").statusCode(), failing.toString());
            assertTrue(failing.get("checkpoint").get("failing").asBoolean(), failing.toString());
            assertEquals(1, count(daemon.log(), "cannot write the checkpoint"), "logged once for the streak:\n" + daemon.log());

            if (mounted)
            {
                Files.delete(filler);
            }
            else
            {
                Files.delete(state.resolve("checkpoint.json.tmp"));
            }
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (health(daemon).get("checkpoint").get("failing").asBoolean() && System.nanoTime() < deadline)
            {
                Thread.sleep(200);
            }
            assertTrue(daemon.log().contains("checkpoints are written again"), daemon.log());
            assertEquals(1, count(daemon.log(), "cannot write the checkpoint"), daemon.log());
            // The checkpoint on disk holds the counts again: a kill -9 now loses nothing.
            Thread.sleep(1_500);
            daemon.kill();
            try (DaemonProcess again = DaemonProcess.start(spool, state, temp.resolve("hotpathd-again.log")))
            {
                awaitMetric(again, "hotpath_calls_total", v -> v == 150);
            }
        }
        finally
        {
            if (mounted)
            {
                new ProcessBuilder("umount", "-l", state.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean mountSmallTmpfs(final Path directory)
    {
        try
        {
            final Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=512k,mode=0750", "tmpfs", directory.toString())
                .redirectErrorStream(true).start();
            mount.getInputStream().readAllBytes();
            return mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        }
        catch (final IOException | InterruptedException e)
        {
            return false;
        }
    }

    /** Writes until the file system says it is full. */
    private static void fill(final Path filler) throws IOException
    {
        final byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler))
        {
            while (true)
            {
                out.write(block);
                out.flush();
            }
        }
        catch (final IOException full)
        {
            assertTrue(String.valueOf(full.getMessage()).contains("No space left"), full.toString());
        }
    }

    /** The daemon writes each checkpoint to this name first: a directory there makes every write fail (EISDIR). */
    private static void takeTemporaryName(final Path temporary) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true)
        {
            try
            {
                Files.createDirectory(temporary);
                return;
            }
            catch (final FileAlreadyExistsException beingWritten)
            {
                assertTrue(System.nanoTime() < deadline, "cannot take " + temporary);
                Thread.sleep(5);
            }
        }
    }

    private static void write(final TestQueueWriter writer, final int calls)
    {
        final int[] ids = new int[calls];
        final long[] ends = new long[calls];
        final long[] durations = new long[calls];
        final int[] errors = new int[calls];
        final long now = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < calls; i++)
        {
            ids[i] = 1;
            ends[i] = now;
            durations[i] = 1_000_000L + i;
        }
        writer.writeBatch(ids, ends, durations, errors, 64);
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

    private static JsonNode health(final DaemonProcess daemon) throws IOException
    {
        return JSON.readTree(ExternalProcess.get(daemon.url() + "/health").body());
    }

    /** Waits until the sum of {@code family}'s samples satisfies {@code accept}. */
    private static void awaitMetric(final DaemonProcess daemon, final String family, final Predicate<Double> accept) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        double sum = Double.NaN;
        while (System.nanoTime() < deadline)
        {
            final var response = ExternalProcess.get(daemon.url() + "/metrics");
            if (response.statusCode() == 200)
            {
                sum = MetricsText.samples(response.body(), family).values().stream().mapToDouble(Double::doubleValue).sum();
                if (accept.test(sum))
                {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError(family + " = " + sum + "\n" + daemon.log());
    }
}
