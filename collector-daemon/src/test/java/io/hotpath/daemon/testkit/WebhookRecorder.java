package io.hotpath.daemon.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.nio.charset.StandardCharsets;

/**
 * A tiny HTTP server recording what is POSTed to it (Alertmanager's webhook notifications, action
 * webhooks), each with its arrival time; 127.0.0.1, a free port.
 */
public final class WebhookRecorder implements AutoCloseable
{
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One POST: when it arrived and its JSON body. */
    public record Received(long atMillis, String path, JsonNode body)
    {
    }

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();

    public WebhookRecorder() throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", exchange ->
        {
            final byte[] body = exchange.getRequestBody().readAllBytes();
            final long at = System.currentTimeMillis();
            JsonNode json;
            try
            {
                json = JSON.readTree(body);
            }
            catch (final IOException e)
            {
                json = JSON.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
            }
            synchronized (received)
            {
                received.add(new Received(at, exchange.getRequestURI().getPath(), json));
                received.notifyAll();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    public String url(final String path)
    {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public List<Received> received()
    {
        synchronized (received)
        {
            return new ArrayList<>(received);
        }
    }

    /** Waits for the first POST matching {@code test}; fails with all that arrived after {@code timeout}. */
    public Received await(final Predicate<Received> test, final Duration timeout) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + timeout.toMillis();
        synchronized (received)
        {
            while (true)
            {
                for (final Received one : received)
                {
                    if (test.test(one))
                    {
                        return one;
                    }
                }
                final long left = deadline - System.currentTimeMillis();
                if (left <= 0)
                {
                    throw new AssertionError("nothing matching arrived within " + timeout + "; received: " + received);
                }
                received.wait(left);
            }
        }
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
