package io.hotpath.daemon.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real Prometheus Pushgateway ({@code /usr/bin/prometheus-pushgateway}) on 127.0.0.1, a free port, no persistence. */
public final class PushgatewayServer extends ExternalProcess
{
    public static final String BINARY = "/usr/bin/prometheus-pushgateway";

    private final int port;

    private PushgatewayServer(final List<String> command, final Path log, final int port) throws IOException
    {
        super("pushgateway", command, log);
        this.port = port;
    }

    public static boolean available()
    {
        return new File(BINARY).canExecute();
    }

    public static PushgatewayServer start(final Path workDir) throws IOException
    {
        Files.createDirectories(workDir);
        final int port = freePort();
        final PushgatewayServer server = new PushgatewayServer(
            List.of(BINARY, "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"), workDir.resolve("pushgateway.log"), port);
        server.awaitReady(server.url() + "/-/ready", Duration.ofSeconds(20));
        return server;
    }

    public String url()
    {
        return "http://127.0.0.1:" + port;
    }

    /** What the Pushgateway exposes to Prometheus: the pushed groups' metrics, Prometheus text. */
    public String metricsText() throws IOException
    {
        return get(url() + "/metrics").body();
    }
}
