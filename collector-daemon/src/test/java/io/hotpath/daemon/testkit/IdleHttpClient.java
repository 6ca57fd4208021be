package io.hotpath.daemon.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * An application that creates a JDK {@link HttpClient}, makes one call, prints {@code ready STATUS}
 * and then idles until killed (the workload of {@code IdleCostIT}; {@code benchmarks/idle.sh} runs
 * the same one from e2e-load.jar).
 */
public final class IdleHttpClient
{
    private IdleHttpClient()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        final HttpResponse<String> response = client.send(
            HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        System.out.println("ready " + response.statusCode());
        System.out.flush();
        while (client != null)
        {
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
