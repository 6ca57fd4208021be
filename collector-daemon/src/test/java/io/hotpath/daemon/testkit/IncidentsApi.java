package io.hotpath.daemon.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A running hotpathd's {@code /api/incidents}, read and waited on by tests. */
public final class IncidentsApi
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private IncidentsApi()
    {
    }

    public static JsonNode body(final String daemonUrl) throws IOException
    {
        return JSON.readTree(ExternalProcess.get(daemonUrl + "/api/incidents").body());
    }

    public static List<JsonNode> incidents(final String daemonUrl) throws IOException
    {
        final List<JsonNode> list = new ArrayList<>();
        body(daemonUrl).path("incidents").forEach(list::add);
        return list;
    }

    /** Waits until at least {@code count} incidents match; returns those. */
    public static List<JsonNode> await(final DaemonProcess daemon, final Predicate<JsonNode> test, final int count, final Duration timeout)
        throws IOException, InterruptedException
    {
        final long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (true)
        {
            final List<JsonNode> matching = new ArrayList<>();
            for (final JsonNode incident : incidents(daemon.url()))
            {
                if (test.test(incident))
                {
                    matching.add(incident);
                }
            }
            if (matching.size() >= count)
            {
                return matching;
            }
            if (System.currentTimeMillis() > deadline)
            {
                throw new AssertionError("not " + count + " matching incidents within " + timeout + ": " + incidents(daemon.url()) +
                    "\n--- hotpathd log:\n" + daemon.log());
            }
            Thread.sleep(100);
        }
    }

    /**
     * Waits until the daemon tails {@code service} (its series are in {@code /api/series}), then
     * {@code learnMillis} more: the detectors' warm-up, however slowly the processes started.
     */
    public static void awaitLearnt(final DaemonProcess daemon, final String service, final long learnMillis)
        throws IOException, InterruptedException
    {
        final long deadline = System.currentTimeMillis() + 60_000;
        while (!ExternalProcess.get(daemon.url() + "/api/series").body().contains("\"" + service + "\""))
        {
            if (System.currentTimeMillis() > deadline)
            {
                throw new AssertionError(service + " not tailed within 60 s:\n" + daemon.log());
            }
            Thread.sleep(200);
        }
        Thread.sleep(learnMillis);
    }

    public static Predicate<JsonNode> inState(final String state)
    {
        return incident -> incident.path("state").asText().equals(state);
    }

    public static Predicate<JsonNode> has(final String type)
    {
        return incident -> types(incident).contains(type);
    }

    public static List<String> types(final JsonNode incident)
    {
        final List<String> types = new ArrayList<>();
        incident.path("timeline").forEach(entry -> types.add(entry.path("type").asText()));
        return types;
    }

    /** Timeline entries of {@code type} over all incidents. */
    public static List<JsonNode> entries(final List<JsonNode> incidents, final String type)
    {
        final List<JsonNode> entries = new ArrayList<>();
        for (final JsonNode incident : incidents)
        {
            incident.path("timeline").forEach(entry ->
            {
                if (entry.path("type").asText().equals(type))
                {
                    entries.add(entry);
                }
            });
        }
        return entries;
    }

    /** POSTs with a bearer token; returns status and body. */
    public static HttpResponse<String> post(final String url, final String token) throws IOException, InterruptedException
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.noBody());
        if (token != null)
        {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of one sample ({@code name{labels}} exactly as written), 0 when absent. */
    public static double sample(final String metrics, final String sample)
    {
        for (final String line : metrics.split("\n"))
        {
            if (line.startsWith(sample + " "))
            {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        return 0;
    }
}
