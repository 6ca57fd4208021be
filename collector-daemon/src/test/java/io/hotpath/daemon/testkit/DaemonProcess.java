package io.hotpath.daemon.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * hotpathd as users run it: {@code java -jar target/hotpathd.jar} (the path comes from the
 * {@code hotpathd.jar} system property Failsafe sets), no JVM flags, on a free port.
 */
public final class DaemonProcess extends ExternalProcess
{
    private final int port;

    private DaemonProcess(final List<String> command, final Path log, final int port) throws IOException
    {
        super("hotpathd", command, log);
        this.port = port;
    }

    public static Path jar()
    {
        final String jar = System.getProperty("hotpathd.jar", "target/hotpathd.jar");
        if (!new File(jar).isFile())
        {
            throw new IllegalStateException("hotpathd.jar not built at " + jar + " (run mvn verify, which packages first)");
        }
        return Path.of(jar);
    }

    /** Starts hotpathd and waits for /health to answer 200; {@code log} collects its stdout and stderr. */
    public static DaemonProcess start(final Path spool, final Path state, final Path log, final String... extraArgs) throws IOException
    {
        return start(freePort(), spool, state, log, extraArgs);
    }

    /** As {@link #start(Path, Path, Path, String...)} on {@code port} (e.g. to be scraped before it is ready). */
    public static DaemonProcess start(final int port, final Path spool, final Path state, final Path log, final String... extraArgs)
        throws IOException
    {
        final DaemonProcess daemon = launch(port, spool, state, log, extraArgs);
        // Ready includes catching up with the spool: on a loaded 2-core machine that can take a while.
        daemon.awaitReady(Duration.ofSeconds(90));
        return daemon;
    }

    /** Starts hotpathd on {@code port} without waiting for anything. */
    public static DaemonProcess launch(final int port, final Path spool, final Path state, final Path log, final String... extraArgs)
        throws IOException
    {
        return launch(List.of(), port, spool, state, log, extraArgs);
    }

    /** As {@link #launch(int, Path, Path, Path, String...)}, the java command run through {@code prefix} (e.g. {@code nohup}). */
    public static DaemonProcess launch(final List<String> prefix, final int port, final Path spool, final Path state, final Path log,
        final String... extraArgs) throws IOException
    {
        final List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar", jar().toString(),
            "--spool", spool.toString(), "--state-dir", state.toString(), "--listen", "127.0.0.1:" + port));
        command.addAll(List.of(extraArgs));
        return new DaemonProcess(command, log, port);
    }

    /** Waits for /health to answer 200. */
    public void awaitReady(final Duration timeout)
    {
        awaitReady(url() + "/health", timeout);
    }

    /** Waits until /health answers at all (200, or 503 while catching up). */
    public void awaitListening(final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline)
        {
            if (!process().isAlive())
            {
                throw new IllegalStateException("hotpathd exited with " + process().exitValue() + ":\n" + log());
            }
            try
            {
                get(url() + "/health");
                return;
            }
            catch (final IOException notYet)
            {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("hotpathd not listening within " + timeout + ":\n" + log());
    }

    public int port()
    {
        return port;
    }

    public String url()
    {
        return "http://127.0.0.1:" + port;
    }

    public String metrics() throws IOException
    {
        return get(url() + "/metrics").body();
    }
}
