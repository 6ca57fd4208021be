package io.hotpath.daemon.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.net.InetAddress;
import java.util.Map;

/**
 * A process a test starts (Prometheus, Pushgateway, hotpathd): output to a log file, readiness by
 * polling an HTTP URL, stop with SIGTERM (or SIGKILL), log shown when something fails. Ports are
 * always free ones on 127.0.0.1 ({@link #freePort}).
 */
public class ExternalProcess implements AutoCloseable
{
    protected static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Extra environment for the next process started on this thread (see {@link LaunchedDaemon}). */
    static final ThreadLocal<Map<String, String>> ENVIRONMENT = new ThreadLocal<>();

    private final String name;
    private final Path log;
    private final Process process;

    protected ExternalProcess(final String name, final List<String> command, final Path log) throws IOException
    {
        this.name = name;
        this.log = log;
        Files.createDirectories(log.getParent());
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        if (ENVIRONMENT.get() != null)
        {
            builder.environment().putAll(ENVIRONMENT.get());
        }
        this.process = builder.start();
    }

    public static int freePort()
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code url} answers 200, failing with the process log if it exits or times out. */
    protected void awaitReady(final String url, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline)
        {
            if (!process.isAlive())
            {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + log());
            }
            try
            {
                if (get(url).statusCode() == 200)
                {
                    return;
                }
            }
            catch (final IOException ignored)
            {
                // Not listening yet.
            }
            sleep(100);
        }
        throw new IllegalStateException(name + " not ready at " + url + " within " + timeout + ":\n" + log());
    }

    public static HttpResponse<String> get(final String url) throws IOException
    {
        try
        {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    public Process process()
    {
        return process;
    }

    public long pid()
    {
        return process.pid();
    }

    public String log()
    {
        try
        {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        }
        catch (final IOException e)
        {
            return "(log unreadable: " + e + ")";
        }
    }

    /** SIGKILL, no chance to clean up. */
    public void kill() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits; SIGKILL after {@code grace}. Returns the exit code. */
    public int terminate(final Duration grace) throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS))
        {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            terminate(Duration.ofSeconds(10));
        }
    }

    protected static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
