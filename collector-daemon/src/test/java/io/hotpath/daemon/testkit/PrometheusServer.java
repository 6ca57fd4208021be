package io.hotpath.daemon.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * A real Prometheus ({@code /usr/bin/prometheus}) for integration tests: 127.0.0.1 on a free port,
 * storage in a temp directory, 1 s scrape interval, exemplar storage on, optional rule files.
 * {@link #query} runs PromQL through the HTTP API. Tests call {@link #available()} in an
 * assumption first.
 */
public final class PrometheusServer extends ExternalProcess
{
    public static final String BINARY = "/usr/bin/prometheus";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int port;

    private PrometheusServer(final List<String> command, final Path log, final int port) throws IOException
    {
        super("prometheus", command, log);
        this.port = port;
    }

    public static boolean available()
    {
        return new File(BINARY).canExecute();
    }

    /**
     * Starts Prometheus scraping {@code targets} ({@code host:port}) every second.
     *
     * @param ruleFiles rule files to load (absolute paths), may be empty.
     */
    public static PrometheusServer start(final Path workDir, final List<String> targets, final List<Path> ruleFiles) throws IOException
    {
        return start(workDir, targets, ruleFiles, List.of());
    }

    /** As {@link #start(Path, List, List)} with extra command-line flags (e.g. {@code --enable-feature=native-histograms}). */
    public static PrometheusServer start(final Path workDir, final List<String> targets, final List<Path> ruleFiles,
        final List<String> extraFlags) throws IOException
    {
        return start(workDir, freePort(), targets, ruleFiles, extraFlags);
    }

    /**
     * As {@link #start(Path, List, List, List)} on a given port (restarting a receiver on the same
     * address and storage); {@code targets} may be empty (a remote-write receiver only).
     */
    public static PrometheusServer start(final Path workDir, final int port, final List<String> targets, final List<Path> ruleFiles,
        final List<String> extraFlags) throws IOException
    {
        Files.createDirectories(workDir);
        final StringBuilder config = new StringBuilder()
            .append("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n");
        if (!ruleFiles.isEmpty())
        {
            config.append("rule_files:\n");
            for (final Path rules : ruleFiles)
            {
                config.append("  - ").append(rules.toAbsolutePath()).append('\n');
            }
        }
        if (targets.isEmpty())
        {
            config.append("scrape_configs: []\n");
        }
        else
        {
            config.append("scrape_configs:\n  - job_name: hotpathd\n    scrape_interval: 1s\n    scrape_timeout: 1s\n    static_configs:\n      - targets: [");
            for (int i = 0; i < targets.size(); i++)
            {
                config.append(i > 0 ? ", " : "").append('\'').append(targets.get(i)).append('\'');
            }
            config.append("]\n");
        }
        final Path configFile = workDir.resolve("prometheus.yml");
        Files.writeString(configFile, config);
        final List<String> command = new ArrayList<>(List.of(BINARY,
            "--config.file=" + configFile,
            "--storage.tsdb.path=" + workDir.resolve("data"),
            "--web.listen-address=127.0.0.1:" + port,
            "--enable-feature=exemplar-storage",
            "--log.level=warn"));
        command.addAll(extraFlags);
        final PrometheusServer server = new PrometheusServer(command, workDir.resolve("prometheus.log"), port);
        server.awaitReady(server.url() + "/-/ready", Duration.ofSeconds(30));
        return server;
    }

    public int port()
    {
        return port;
    }

    /** Starts Prometheus with {@code scrapeConfigs} as its whole {@code scrape_configs:} list (YAML, indented two spaces). */
    public static PrometheusServer startWithScrapeConfigs(final Path workDir, final String scrapeConfigs) throws IOException
    {
        Files.createDirectories(workDir);
        final int port = freePort();
        final Path configFile = workDir.resolve("prometheus.yml");
        Files.writeString(configFile, "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n" + scrapeConfigs);
        final List<String> command = new ArrayList<>(List.of(BINARY,
            "--config.file=" + configFile,
            "--storage.tsdb.path=" + workDir.resolve("data"),
            "--web.listen-address=127.0.0.1:" + port,
            "--log.level=warn"));
        final PrometheusServer server = new PrometheusServer(command, workDir.resolve("prometheus.log"), port);
        server.awaitReady(server.url() + "/-/ready", Duration.ofSeconds(30));
        return server;
    }

    public String url()
    {
        return "http://127.0.0.1:" + port;
    }

    /** Instant query; returns {@code data.result}. */
    public JsonNode query(final String promql) throws IOException
    {
        final String body = get(url() + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body();
        final JsonNode reply = JSON.readTree(body);
        if (!"success".equals(reply.path("status").asText()))
        {
            throw new IOException("query " + promql + " failed: " + body);
        }
        return reply.get("data").get("result");
    }

    /** Instant query at {@code evalTimeSeconds} (epoch seconds); returns {@code data.result}. */
    public JsonNode query(final String promql, final double evalTimeSeconds) throws IOException
    {
        final String body = get(url() + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) +
            "&time=" + String.format(Locale.ROOT, "%.3f", evalTimeSeconds)).body();
        final JsonNode reply = JSON.readTree(body);
        if (!"success".equals(reply.path("status").asText()))
        {
            throw new IOException("query " + promql + " failed: " + body);
        }
        return reply.get("data").get("result");
    }

    /** Exemplars of {@code promql} over the last {@code seconds}. */
    public JsonNode exemplars(final String promql, final long seconds) throws IOException
    {
        final long now = System.currentTimeMillis() / 1000;
        final String body = get(url() + "/api/v1/query_exemplars?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) +
            "&start=" + (now - seconds) + "&end=" + (now + 5)).body();
        return JSON.readTree(body).get("data");
    }

    /** Polls {@code promql} until it has a result for which {@code accept} holds, or fails after {@code timeout}. */
    public JsonNode awaitQuery(final String promql, final Predicate<JsonNode> accept, final Duration timeout)
        throws IOException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline)
        {
            last = query(promql);
            if (last.size() > 0 && accept.test(last))
            {
                return last;
            }
            sleep(250);
        }
        throw new AssertionError("query " + promql + " did not match within " + timeout + "; last result " + last +
            "\nprometheus log:\n" + log());
    }
}
