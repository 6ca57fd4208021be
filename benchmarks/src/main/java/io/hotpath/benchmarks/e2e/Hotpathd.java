package io.hotpath.benchmarks.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.benchmarks.BenchmarkArtifacts;

/** A real {@code hotpathd} ({@code java -jar hotpathd.jar}, no flags) on a free loopback port. */
final class Hotpathd implements AutoCloseable
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SELF_COUNTERS = List.of(
        "hotpath_agent_samples_recorded_total", "hotpath_agent_samples_dropped_total",
        "hotpath_agent_samples_drained_total", "hotpath_agent_advice_errors_total",
        "hotpath_daemon_records_rejected_total");

    private final ManagedProcess process;
    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Hotpathd(final ManagedProcess process, final int port)
    {
        this.process = process;
        this.url = "http://127.0.0.1:" + port;
    }

    static Hotpathd start(final Path spool, final Path state, final Path log) throws IOException, InterruptedException
    {
        Files.createDirectories(spool);
        Files.createDirectories(state);
        final int port = ManagedProcess.freePort();
        final ManagedProcess process = new ManagedProcess("hotpathd", List.of(ManagedProcess.javaBinary(), "-Xmx512m", "-jar",
            BenchmarkArtifacts.daemonJar().toString(), "--spool", spool.toString(), "--state-dir", state.toString(),
            "--listen", "127.0.0.1:" + port, "--log-level", "WARNING"), log);
        final Hotpathd daemon = new Hotpathd(process, port);
        daemon.awaitReady(Duration.ofSeconds(60));
        return daemon;
    }

    private void awaitReady(final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline)
        {
            if (!process.isAlive())
            {
                throw new IllegalStateException("hotpathd exited during start-up; log: " + process.log());
            }
            try
            {
                if (get("/health").statusCode() == 200)
                {
                    return;
                }
            }
            catch (final IOException notYet)
            {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("hotpathd not ready within " + timeout + "; log: " + process.log());
    }

    /** {@code GET /metrics/summary}. */
    JsonNode summary() throws IOException, InterruptedException
    {
        final HttpResponse<String> response = get("/metrics/summary");
        if (response.statusCode() != 200)
        {
            throw new IOException("GET /metrics/summary: HTTP " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    /**
     * The sums over every agent and queue of the daemon's self-metrics on {@code GET /metrics}
     * ({@code hotpath_agent_samples_dropped_total} etc.): why a count may differ from the service's
     * (samples dropped on a full ring, by design, or records the daemon rejected).
     */
    Map<String, Double> selfCounters() throws IOException, InterruptedException
    {
        final HttpResponse<String> response = get("/metrics");
        if (response.statusCode() != 200)
        {
            throw new IOException("GET /metrics: HTTP " + response.statusCode());
        }
        final Map<String, Double> sums = new LinkedHashMap<>();
        for (final String family : SELF_COUNTERS)
        {
            sums.put(family, 0.0);
        }
        for (final String line : response.body().split("\n"))
        {
            if (line.startsWith("#"))
            {
                continue;
            }
            final int nameEnd = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
            final int valueStart = line.lastIndexOf(' ');
            if (nameEnd <= 0 || valueStart <= nameEnd)
            {
                continue;
            }
            final String name = line.substring(0, nameEnd);
            if (sums.containsKey(name))
            {
                sums.merge(name, Double.parseDouble(line.substring(valueStart + 1)), Double::sum);
            }
        }
        return sums;
    }

    long cpuNanos()
    {
        return process.cpuNanos();
    }

    /**
     * Polls {@link #selfCounters} until {@code service} exits (or {@code limit} passes) and keeps the
     * largest value seen of each: the daemon shows an agent's self-counters only while its JVM runs.
     */
    Map<String, Double> selfCountersWhileRunning(final ManagedProcess service, final Duration limit) throws InterruptedException
    {
        final Map<String, Double> seen = new LinkedHashMap<>();
        final long deadline = System.nanoTime() + limit.toNanos();
        while (!service.exitedWithin(Duration.ofMillis(500)) && System.nanoTime() < deadline)
        {
            try
            {
                selfCounters().forEach((family, value) -> seen.merge(family, value, Math::max));
            }
            catch (final IOException busy)
            {
                // a slow scrape on a loaded machine: the next one will do
            }
        }
        return seen;
    }

    private HttpResponse<String> get(final String path) throws IOException, InterruptedException
    {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException
    {
        process.close();
    }
}
