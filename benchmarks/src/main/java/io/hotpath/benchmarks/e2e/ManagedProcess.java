package io.hotpath.benchmarks.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child process of the harness, its stdout and stderr in one log file, stopped gracefully. */
final class ManagedProcess implements AutoCloseable
{
    private final String name;
    private final Process process;
    private final Path log;

    ManagedProcess(final String name, final List<String> command, final Path log) throws IOException
    {
        this.name = name;
        this.log = log;
        this.process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    long pid()
    {
        return process.pid();
    }

    Path log()
    {
        return log;
    }

    boolean isAlive()
    {
        return process.isAlive();
    }

    /** CPU time the process has used so far (0 if the platform does not say). */
    long cpuNanos()
    {
        return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** Waits at most {@code slice} for the process to exit; true if it has. */
    boolean exitedWithin(final Duration slice) throws InterruptedException
    {
        return process.waitFor(slice.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits for the process to exit by itself; kills it after {@code timeout}. */
    int awaitExit(final Duration timeout) throws InterruptedException
    {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException(name + " did not finish within " + timeout + " (killed); log: " + log);
        }
        return process.exitValue();
    }

    /** SIGTERM, then SIGKILL after 20 s. */
    @Override
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor();
            }
        }
    }

    static int freePort()
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    static String javaBinary()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
