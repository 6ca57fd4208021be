package io.hotpath.daemon;

import io.hotpath.daemon.rules.DashboardGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import io.hotpath.daemon.config.syntax.ConfigException;
import io.hotpath.daemon.config.EffectiveConfig;

/** {@code hotpathd dashboards}: writes the Grafana dashboards as JSON files. */
@Command(
    name = "dashboards",
    mixinStandardHelpOptions = true,
    description = {
        "Write Grafana dashboards (JSON): overview, transport, P2P, migration, SLOs and error budgets,",
        "hotpath self-monitoring. Import them, or point Grafana's dashboard provisioning at the directory."},
    footer = {"", "Exit status: 0 written, 1 cannot write."})
public final class DashboardsCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
        description = "directory to write the dashboards to, created if missing (default: ${DEFAULT-VALUE})")
    private Path out;

    @Option(names = "--from", paramLabel = "URL",
        description = "also one dashboard per service, from the series this running hotpathd reports (its /api/series)")
    private String from;

    @Option(names = "--config", paramLabel = "FILE",
        description = "as --from, at the listen address of this daemon config (HOTPATHD_* variables included)")
    private Path configFile;

    @Override
    public Integer call()
    {
        final PrintWriter err = spec.commandLine().getErr();
        try
        {
            Files.createDirectories(out);
            final Map<String, ObjectNode> dashboards = new LinkedHashMap<>(new DashboardGenerator().generate());
            if (from != null || configFile != null)
            {
                final String base = from != null ? from : listenUrl(configFile);
                dashboards.putAll(new DashboardGenerator().perService(fetchSeries(base)));
            }
            for (final Map.Entry<String, ObjectNode> dashboard : dashboards.entrySet())
            {
                final Path file = out.resolve(dashboard.getKey());
                Files.writeString(file, DashboardGenerator.toJson(dashboard.getValue()), StandardCharsets.UTF_8);
                spec.commandLine().getOut().println(file);
            }
        }
        catch (final IOException e)
        {
            err.println("dashboards: cannot write to " + out + ": " + e);
            return 1;
        }
        catch (final IllegalArgumentException e)
        {
            err.println("dashboards: " + e.getMessage());
            return 2;
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    private static String listenUrl(final Path file)
    {
        try
        {
            final InetSocketAddress listen = EffectiveConfig.load(file, System.getenv(), List.of())
                .config().listenAddress();
            final String host = listen.getHostString().isEmpty() || "0.0.0.0".equals(listen.getHostString()) ? "127.0.0.1" : listen.getHostString();
            return "http://" + host + ":" + listen.getPort();
        }
        catch (final ConfigException e)
        {
            throw new IllegalArgumentException("--config: " + e.getMessage(), e);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode fetchSeries(final String base)
    {
        final String url = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/series";
        try
        {
            final HttpResponse<byte[]> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200)
            {
                throw new IOException("HTTP " + response.statusCode() + " from " + url);
            }
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("interrupted", e);
        }
        catch (final IOException | IllegalArgumentException e)
        {
            throw new IllegalArgumentException("cannot read the series from " + url + " (is hotpathd running there?): " + e.getMessage(), e);
        }
    }
}
