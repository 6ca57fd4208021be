package io.hotpath.daemon.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Alertmanager ({@code /usr/bin/prometheus-alertmanager}, Debian package
 * {@code prometheus-alertmanager}) on 127.0.0.1, a free port, HA clustering off, its storage in
 * {@code workDir}; one route (grouped by alertname and service, 1 s group wait and interval) to a
 * webhook receiver with {@code send_resolved}.
 */
public final class AlertmanagerServer extends ExternalProcess
{
    public static final String BINARY = "/usr/bin/prometheus-alertmanager";

    private final int port;

    private AlertmanagerServer(final List<String> command, final Path log, final int port) throws IOException
    {
        super("alertmanager", command, log);
        this.port = port;
    }

    public static boolean available()
    {
        return new File(BINARY).canExecute();
    }

    public static AlertmanagerServer start(final Path workDir, final String webhookUrl) throws IOException
    {
        Files.createDirectories(workDir.resolve("data"));
        final Path config = Files.writeString(workDir.resolve("alertmanager.yml"), String.join("\n",
            "global:",
            "  resolve_timeout: 5m",
            "route:",
            "  receiver: recorder",
            "  group_by: [alertname, service]",
            "  group_wait: 1s",
            "  group_interval: 1s",
            "  repeat_interval: 1h",
            "receivers:",
            "  - name: recorder",
            "    webhook_configs:",
            "      - url: " + webhookUrl,
            "        send_resolved: true",
            ""));
        final int port = freePort();
        final AlertmanagerServer server = new AlertmanagerServer(List.of(BINARY, "--config.file=" + config,
            "--storage.path=" + workDir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=",
            "--log.level=info"), workDir.resolve("alertmanager.log"), port);
        server.awaitReady(server.url() + "/-/ready", Duration.ofSeconds(20));
        return server;
    }

    public String url()
    {
        return "http://127.0.0.1:" + port;
    }
}
