package io.hotpath.agent.it;

import io.hotpath.agent.testapp.TestApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import java.io.UncheckedIOException;

/**
 * The spool damaged under a live, busy application (a real JVM under {@code -javaagent}, the
 * {@code stream} mode of {@link TestApp}): its cycle file truncated right after the agent created it
 * (while Chronicle's appender still runs interpreted, where a SIGBUS used to kill the JVM), truncated
 * while busy, and the spool's file system filling up. Each time the application runs on to a normal
 * exit with no {@code hs_err} file, the agent names the fault once, gives the queue up (closed marker)
 * and stops recording.
 */
class SpoolDamageIT
{
    @TempDir
    Path temp;

    /** A running TestApp in {@code stream} mode with its spool under {@code spool}, working directory {@code dir}. */
    private record App(Process process, Path dir, Path out, Path err)
    {
        static App start(final Path dir, final Path spool) throws IOException
        {
            Files.createDirectories(dir);
            final List<String> command = ForkedJvm.command(ForkedJvm.java17(),
                "config=" + ForkedJvm.testAppRules() + ",spool.dir=" + spool,
                "-cp", ForkedJvm.testClasses().toString(), TestApp.class.getName(), "stream", dir.resolve("stop").toString());
            final Path out = dir.resolve("out.txt");
            final Path err = dir.resolve("err.txt");
            final Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            return new App(process, dir, out, err);
        }

        long aliveLines() throws IOException
        {
            return Files.readAllLines(out).stream().filter(line -> line.startsWith("alive ")).count();
        }

        /** The application goes on: {@code more} further progress lines within a generous time. */
        void awaitProgress(final long more) throws Exception
        {
            final long target = aliveLines() + more;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (aliveLines() < target && process.isAlive() && System.nanoTime() < deadline)
            {
                Thread.sleep(50);
            }
            assertTrue(aliveLines() >= target, "the application went on after the spool fault: " + report());
        }

        /** Stops the application and checks it ended normally, with the agent's one error line naming {@code reason}. */
        String stopAndCheck(final String... reasons) throws Exception
        {
            return stopAndCheck(true, reasons);
        }

        /**
         * As above; with {@code faultSeen} false the agent may also have seen nothing: a file truncated
         * before its first document was written is grown again by Chronicle, whose writes then succeed
         * (into a cycle file that lost its header, which hotpathd counts as damaged).
         */
        String stopAndCheck(final boolean faultSeen, final String... reasons) throws Exception
        {
            Files.createFile(dir.resolve("stop"));
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exited: " + report());
            assertEquals(0, process.exitValue(), report());
            assertTrue(Files.readString(out).contains("result="), report());
            try (Stream<Path> files = Files.list(dir))
            {
                assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList(), report());
            }
            final String stderr = Files.readString(err);
            if (!faultSeen && stderr.lines().noneMatch(line -> line.startsWith("[hotpath]")))
            {
                return stderr;
            }
            assertEquals(1, stderr.lines().filter(line -> line.startsWith("[hotpath]")).count(), stderr);
            assertTrue(stderr.contains("[hotpath] ERROR the spool failed; recording stopped and the service runs uninstrumented"), stderr);
            assertTrue(stderr.contains("abandoned after"), stderr);
            assertTrue(Stream.of(reasons).anyMatch(stderr::contains), "one of " + List.of(reasons) + " in " + stderr);
            return stderr;
        }

        String report() throws IOException
        {
            return "exit " + (process.isAlive() ? "(running)" : process.exitValue()) + "\nstderr:\n" + Files.readString(err) +
                "\nstdout tail: " + Files.readAllLines(out).stream().skip(Math.max(0, Files.readAllLines(out).size() - 3)).toList();
        }
    }

    private static Path awaitCycleFile(final Path spool, final App app) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && app.process().isAlive())
        {
            if (Files.isDirectory(spool))
            {
                try (Stream<Path> files = Files.walk(spool))
                {
                    final List<Path> cycles = files.filter(f -> f.getFileName().toString().endsWith(".cq4")).toList();
                    if (!cycles.isEmpty())
                    {
                        return cycles.get(0);
                    }
                }
                catch (final IOException | UncheckedIOException racing)
                {
                    // the agent is creating it
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no cycle file: " + app.report());
    }

    private static void truncate(final Path file, final long size) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.truncate(size);
        }
    }

    private static void assertQueueGivenUp(final Path cycleFile)
    {
        assertTrue(Files.exists(cycleFile.resolveSibling("hotpath.closed")), "closed marker in " + cycleFile.getParent());
    }

    /** Killed the JVM (SIGBUS in Unsafe_CompareAndSetInt, called from the interpreted appender) before the fix. */
    @Test
    void cycleFileTruncatedAsSoonAsItExistsTheApplicationRunsOn() throws Exception
    {
        for (int run = 0; run < 3; run++)
        {
            final Path spool = temp.resolve("spool" + run);
            final App app = App.start(temp.resolve("app" + run), spool);
            try
            {
                final Path cycleFile = awaitCycleFile(spool, app);
                truncate(cycleFile, 0);
                app.awaitProgress(3);
                if (!app.stopAndCheck(false, "was truncated under the agent", "memory fault writing the queue").isEmpty())
                {
                    assertQueueGivenUp(cycleFile);
                }
            }
            finally
            {
                app.process().destroyForcibly();
            }
        }
    }

    @Test
    void cycleFileTruncatedWhileBusyTheApplicationRunsOn() throws Exception
    {
        final Path spool = temp.resolve("spool");
        final App app = App.start(temp.resolve("app"), spool);
        try
        {
            final Path cycleFile = awaitCycleFile(spool, app);
            app.awaitProgress(10);
            truncate(cycleFile, 100_000);
            app.awaitProgress(5);
            app.stopAndCheck("was truncated under the agent", "memory fault writing the queue");
            assertQueueGivenUp(cycleFile);
        }
        finally
        {
            app.process().destroyForcibly();
        }
    }

    /** A real 16 MiB tmpfs (needs root to mount, as here and in CI) filled by a ballast file while the agent writes. */
    @Test
    void spoolFileSystemFillsUpTheApplicationRunsOn() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount a small tmpfs");
        final Path spool = temp.resolve("tmpfs");
        Files.createDirectories(spool);
        final Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", spool.toString())
            .redirectErrorStream(true).start();
        assumeTrue(mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0,
            "tmpfs mount not permitted: " + new String(mount.getInputStream().readAllBytes()));
        App app = null;
        try
        {
            app = App.start(temp.resolve("app"), spool);
            final Path cycleFile = awaitCycleFile(spool, app);
            app.awaitProgress(3);
            try (FileChannel ballast = FileChannel.open(spool.resolve("ballast"), StandardOpenOption.CREATE, StandardOpenOption.WRITE))
            {
                final ByteBuffer block = ByteBuffer.allocate(4096);
                while (true)
                {
                    block.clear();
                    ballast.write(block);
                }
            }
            catch (final IOException full)
            {
                // every block is taken
            }
            app.awaitProgress(10);
            app.stopAndCheck("disk full", "bytes free for a new cycle file", "memory fault writing the queue");
            assertQueueGivenUp(cycleFile);
        }
        finally
        {
            if (app != null)
            {
                app.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            new ProcessBuilder("umount", "-l", spool.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
