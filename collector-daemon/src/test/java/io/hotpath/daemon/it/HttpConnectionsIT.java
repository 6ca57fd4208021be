package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.daemon.testkit.DaemonProcess;
import io.hotpath.daemon.testkit.ExternalProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 5, against the real daemon ({@code java -jar hotpathd.jar}):
 * <ul>
 *   <li>10,000 idle connections open at once: {@code /metrics} still answers quickly (median of
 *       several scrapes under 50 ms; the numbers are printed) and {@code /health} is 200;</li>
 *   <li>at a small cap, new connections evict the idle ones (counted) and a scraper is still served;
 *       an idle connection is closed after the idle timeout, a request that trickles in gets 408
 *       after the request timeout; each is counted in {@code /metrics} and {@code /health};</li>
 *   <li>{@code HEAD /metrics}: the GET's headers, no body.</li>
 * </ul>
 */
class HttpConnectionsIT
{
    private static final int IDLE_CONNECTIONS = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void metricsStayFastWith10000IdleConnectionsOpen() throws Exception
    {
        final Path config = Files.writeString(temp.resolve("hotpathd.yaml"), "http:\n  max-connections: 12000\n  idle-timeout: 10m\n");
        final List<SocketChannel> idle = new ArrayList<>();
        try (DaemonProcess daemon = DaemonProcess.start(temp.resolve("spool"), temp.resolve("state"), temp.resolve("hotpathd.log"),
            "--config", config.toString()))
        {
            final int limit = health(daemon).get("http").get("connectionLimit").asInt();
            final InetSocketAddress address = new InetSocketAddress("127.0.0.1", daemon.port());
            final long opening = System.nanoTime();
            for (int i = 0; i < IDLE_CONNECTIONS; i++)
            {
                idle.add(SocketChannel.open(address));
            }
            final double openSeconds = (System.nanoTime() - opening) / 1e9;
            // Held: all of them, or (a host with a lower open-file limit) as many as the cap allows, the rest evicted.
            final int held = Math.min(IDLE_CONNECTIONS, limit - 1);
            final JsonNode health = awaitHealth(daemon, h -> h.get("http").get("connections").asInt() >= held);
            final long evicted = health.get("http").get("closed").get("evicted_idle").asLong();
            assertEquals(Math.max(0, IDLE_CONNECTIONS + 1 - limit), evicted, 1.0, "evicted only beyond the cap of " + limit);

            final long[] nanos = new long[15];
            for (int i = 0; i < nanos.length; i++)
            {
                final long started = System.nanoTime();
                final HttpResponse<String> metrics = ExternalProcess.get(daemon.url() + "/metrics");
                nanos[i] = System.nanoTime() - started;
                assertEquals(200, metrics.statusCode());
                assertTrue(metrics.body().contains("hotpath_daemon_http_connections "), "connection gauge exposed");
                Thread.sleep(100);
            }
            Arrays.sort(nanos);
            final double medianMillis = nanos[nanos.length / 2] / 1e6;
            assertEquals(200, ExternalProcess.get(daemon.url() + "/health").statusCode());
            System.out.printf(Locale.ROOT, "HttpConnectionsIT: %d connections opened in %.1f s, %d held (cap %d), /metrics with them " +
                    "open: median %.1f ms, min %.1f ms, max %.1f ms over %d scrapes (each on a fresh client connection or kept alive)%n",
                IDLE_CONNECTIONS, openSeconds, health.get("http").get("connections").asInt(), limit, medianMillis, nanos[0] / 1e6,
                nanos[nanos.length - 1] / 1e6, nanos.length);
            assertTrue(medianMillis < 50, "median /metrics " + medianMillis + " ms with " + IDLE_CONNECTIONS + " idle connections open");
        }
        finally
        {
            for (final SocketChannel channel : idle)
            {
                channel.close();
            }
        }
    }

    @Test
    void capEvictsIdleConnectionsTimeoutsCloseSlowOnesAndHeadAnswersHeaders() throws Exception
    {
        final Path config = Files.writeString(temp.resolve("hotpathd.yaml"),
            "http:\n  max-connections: 50\n  idle-timeout: 2s\n  request-timeout: 2s\n");
        try (DaemonProcess daemon = DaemonProcess.start(temp.resolve("spool"), temp.resolve("state"), temp.resolve("hotpathd.log"),
            "--config", config.toString()))
        {
            final InetSocketAddress address = new InetSocketAddress("127.0.0.1", daemon.port());
            assertEquals(50, health(daemon).get("http").get("connectionLimit").asInt());

            // 200 idle connections at a cap of 50: the oldest are evicted, the scraper is still served.
            final List<SocketChannel> idle = new ArrayList<>();
            try
            {
                for (int i = 0; i < 200; i++)
                {
                    idle.add(SocketChannel.open(address));
                }
                assertEquals(200, ExternalProcess.get(daemon.url() + "/metrics").statusCode());
                final JsonNode health = awaitHealth(daemon, h -> h.get("http").get("closed").get("evicted_idle").asLong() >= 150);
                assertTrue(health.get("http").get("connections").asInt() <= 52, health.toString());
            }
            finally
            {
                for (final SocketChannel channel : idle)
                {
                    channel.close();
                }
            }

            // An idle connection is closed by the server after the idle timeout.
            try (Socket quiet = new Socket("127.0.0.1", daemon.port()))
            {
                quiet.setSoTimeout(30_000);
                assertEquals(-1, quiet.getInputStream().read(), "closed by the server, nothing sent");
            }
            awaitHealth(daemon, h -> h.get("http").get("closed").get("idle_timeout").asLong() >= 1);

            // A request whose head never completes: 408 after the request timeout, although bytes keep coming.
            try (Socket slow = new Socket("127.0.0.1", daemon.port()))
            {
                slow.setSoTimeout(30_000);
                final OutputStream out = slow.getOutputStream();
                final long started = System.nanoTime();
                out.write("GET /metrics HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                String response = "";
                for (int i = 0; i < 60 && response.isEmpty(); i++)
                {
                    try
                    {
                        out.write("X-Slow: a\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    catch (final IOException closed)
                    {
                        break;
                    }
                    slow.setSoTimeout(500);
                    response = readAvailable(slow.getInputStream());
                }
                slow.setSoTimeout(30_000);
                response += readAll(slow.getInputStream());
                assertTrue(response.startsWith("HTTP/1.1 408"), response);
                assertTrue(System.nanoTime() - started >= 1_500_000_000L, "not before the request timeout");
            }
            awaitHealth(daemon, h -> h.get("http").get("closed").get("request_timeout").asLong() >= 1);

            // HEAD on a GET route: headers with the GET's length, no body.
            try (Socket head = new Socket("127.0.0.1", daemon.port()))
            {
                head.setSoTimeout(10_000);
                head.getOutputStream().write("HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                final String response = readAll(head.getInputStream());
                assertTrue(response.startsWith("HTTP/1.1 200"), response);
                assertTrue(response.toLowerCase(Locale.ROOT).contains("content-length: "), response);
                assertTrue(response.endsWith("\r\n\r\n"), "no body: " + response);
            }

            final String metrics = ExternalProcess.get(daemon.url() + "/metrics").body();
            assertTrue(metrics.contains("hotpath_daemon_http_connections_closed_total{reason=\"evicted_idle\"}"), metrics);
            assertTrue(metrics.contains("hotpath_daemon_http_connections_limit 50"), metrics);
        }
    }

    private static String readAvailable(final InputStream in) throws IOException
    {
        final byte[] buffer = new byte[4096];
        try
        {
            final int n = in.read(buffer);
            return n <= 0 ? "" : new String(buffer, 0, n, StandardCharsets.US_ASCII);
        }
        catch (final SocketTimeoutException e)
        {
            return "";
        }
    }

    private static String readAll(final InputStream in) throws IOException
    {
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }

    private static JsonNode health(final DaemonProcess daemon) throws IOException
    {
        return JSON.readTree(ExternalProcess.get(daemon.url() + "/health").body());
    }

    private static JsonNode awaitHealth(final DaemonProcess daemon, final Predicate<JsonNode> accept) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode health = health(daemon);
        while (!accept.test(health) && System.nanoTime() < deadline)
        {
            Thread.sleep(100);
            health = health(daemon);
        }
        assertTrue(accept.test(health), health.toString());
        return health;
    }
}
