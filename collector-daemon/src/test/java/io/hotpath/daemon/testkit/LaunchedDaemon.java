package io.hotpath.daemon.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;

/** hotpathd started through an arbitrary command line (the launcher script, another JDK). */
public final class LaunchedDaemon extends ExternalProcess
{
    private final int port;

    private LaunchedDaemon(final List<String> command, final Path log, final int port) throws IOException
    {
        super("hotpathd", command, log);
        this.port = port;
    }

    /** {@code command} must end with the daemon's own arguments; --listen is appended here. */
    public static LaunchedDaemon start(final List<String> command, final Map<String, String> environment, final Path log)
        throws IOException
    {
        final int port = freePort();
        final List<String> full = new ArrayList<>(command);
        full.add("--listen");
        full.add("127.0.0.1:" + port);
        final LaunchedDaemon daemon = withEnvironment(full, environment, log, port);
        daemon.awaitReady("http://127.0.0.1:" + port + "/health", Duration.ofSeconds(30));
        return daemon;
    }

    private static LaunchedDaemon withEnvironment(final List<String> command, final Map<String, String> environment,
        final Path log, final int port) throws IOException
    {
        final Map<String, String> saved = ENVIRONMENT.get();
        ENVIRONMENT.set(environment);
        try
        {
            return new LaunchedDaemon(command, log, port);
        }
        finally
        {
            ENVIRONMENT.set(saved);
        }
    }

    public String url()
    {
        return "http://127.0.0.1:" + port;
    }
}
