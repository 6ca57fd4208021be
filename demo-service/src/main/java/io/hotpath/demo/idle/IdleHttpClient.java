package io.hotpath.demo.idle;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The idle-cost workload: creates a JDK {@link HttpClient}, makes one GET to the URL given, prints
 * {@code ready <status>} and then idles (sleeps) until killed. {@code benchmarks/idle.sh} (from
 * e2e-load.jar, which carries this class) and {@code IdleCostIT} (from hotpath-demo.jar) read its CPU
 * time from /proc with and without the agent; whatever the JVM spends after the settle time is the idle cost.
 */
public final class IdleHttpClient
{
    private IdleHttpClient()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length != 1)
        {
            System.err.println("usage: IdleHttpClient <url>");
            System.exit(2);
        }
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        final HttpResponse<String> response = client.send(
            HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        System.out.println("ready " + response.statusCode());
        System.out.flush();
        // Keep the client reachable: an idle JVM that still holds its client (its selector thread
        // stays), as a service between calls would.
        while (client != null)
        {
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
