package io.hotpath.daemon.expose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.aggregate.Series;
import io.hotpath.daemon.aggregate.SeriesKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole server pipeline (codec, keep-alive, compressor, aggregator, routes) on an
 * EmbeddedChannel: raw request bytes in, raw response bytes out, decoded by a client codec.
 * Every buffer is accounted for: requests released by the handler, responses released here.
 */
class HttpRequestHandlerTest
{
    private static final long T0 = 1_800_000_000_000L;
    private final ObjectMapper json = new ObjectMapper();
    private final List<ByteBuf> sentRequests = new ArrayList<>();
    private final EmbeddedChannel server = new EmbeddedChannel();
    private final EmbeddedChannel client = new EmbeddedChannel(new HttpClientCodec(), new HttpContentDecompressor(), new HttpObjectAggregator(1 << 24));

    HttpRequestHandlerTest()
    {
        final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), T0);
        final Series series = aggregator.registry().resolve(new SeriesKey("demo", "p2p_connect", "p2p", Map.of("peer", "a")));
        for (int i = 0; i < 50; i++)
        {
            aggregator.record(series, T0 * 1_000_000L, 2_000_000L + i, false, 0, -1, false, 0, 0, 0);
        }
        final Series traced = aggregator.registry().resolve(new SeriesKey("demo", "transport_send", "transport", Map.of()));
        aggregator.record(traced, T0 * 1_000_000L + 400_000_000L, 1_000_000L, false, 0, -1, false, 0, 0, 0);
        aggregator.record(traced, T0 * 1_000_000L + 500_000_000L, 7_000_000L, false, 0, -1, true,
            0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L, 0x00f067aa0ba902b7L);
        aggregator.rotate(T0 + 1000);
        final MetricsRenderer renderer = new MetricsRenderer();
        renderer.addSource(new SeriesMetricFamilies(AggregationSettings.DEFAULT_BUCKETS_NANOS));
        renderer.render(aggregator.latest(), T0 + 1000);
        final AggregateSnapshot snapshot = aggregator.latest();
        final Routes routes = new DaemonRoutes(renderer, () -> snapshot, List::of, new ScrapeStats(), () -> T0 + 1500)
            .register(new Routes());
        HttpServerInitializer.configure(server.pipeline(), new HttpRequestHandler(routes));
    }

    @AfterEach
    void noLeaks()
    {
        for (final ByteBuf request : sentRequests)
        {
            assertEquals(0, request.refCnt(), "request buffer released");
        }
        assertFalse(server.finishAndReleaseAll(), "nothing left in the server channel");
        assertFalse(client.finishAndReleaseAll(), "nothing left in the client channel");
    }

    private FullHttpResponse exchange(final String request)
    {
        final ByteBuf bytes = Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII);
        sentRequests.add(bytes);
        server.writeInbound(bytes);
        ByteBuf out;
        while ((out = server.readOutbound()) != null)
        {
            client.writeInbound(out);
        }
        final FullHttpResponse response = client.readInbound();
        assertNull(client.readInbound(), "one response per request");
        return response;
    }

    private static String body(final FullHttpResponse response)
    {
        return response.content().toString(StandardCharsets.UTF_8);
    }

    @Test
    void metricsInPrometheusTextThenOpenMetricsOnOneKeptAliveConnection()
    {
        // The client codec must know a request was sent to decode the response.
        client.writeOutbound(new io.netty.handler.codec.http.DefaultFullHttpRequest(
            io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.GET, "/metrics"));
        client.releaseOutbound();
        FullHttpResponse response = exchange("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        try
        {
            assertEquals(HttpResponseStatus.OK, response.status());
            assertEquals(TextMetricWriter.PROMETHEUS_CONTENT_TYPE, response.headers().get(HttpHeaderNames.CONTENT_TYPE));
            assertTrue(body(response).contains("hotpath_calls_total{service=\"demo\",metric=\"p2p_connect\",kind=\"p2p\",peer=\"a\",outcome=\"ok\",error_type=\"\"} 50\n"));
        }
        finally
        {
            response.release();
        }
        assertTrue(server.isOpen(), "keep-alive");

        client.writeOutbound(new io.netty.handler.codec.http.DefaultFullHttpRequest(
            io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.GET, "/metrics"));
        client.releaseOutbound();
        response = exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5\r\n" +
            "Accept-Encoding: gzip\r\n\r\n");
        try
        {
            assertEquals(HttpResponseStatus.OK, response.status());
            assertEquals(TextMetricWriter.OPENMETRICS_CONTENT_TYPE, response.headers().get(HttpHeaderNames.CONTENT_TYPE));
            assertTrue(body(response).endsWith("# EOF\n"));
        }
        finally
        {
            response.release();
        }
        assertTrue(server.isOpen(), "keep-alive");
    }

    @Test
    void gzipWhenAsked()
    {
        client.writeOutbound(new io.netty.handler.codec.http.DefaultFullHttpRequest(
            io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.GET, "/metrics"));
        client.releaseOutbound();
        final ByteBuf bytes = Unpooled.copiedBuffer("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n", StandardCharsets.US_ASCII);
        sentRequests.add(bytes);
        server.writeInbound(bytes);
        final StringBuilder raw = new StringBuilder();
        ByteBuf out;
        while ((out = server.readOutbound()) != null)
        {
            raw.append(out.toString(StandardCharsets.ISO_8859_1));
            client.writeInbound(out);
        }
        assertTrue(raw.toString().toLowerCase().contains("content-encoding: gzip"), raw.substring(0, Math.min(300, raw.length())));
        final FullHttpResponse response = client.readInbound();
        try
        {
            assertTrue(body(response).contains("hotpath_duration_seconds_bucket"));
        }
        finally
        {
            response.release();
        }
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow()
    {
        client.writeOutbound(new io.netty.handler.codec.http.DefaultFullHttpRequest(
            io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.GET, "/nope"));
        client.releaseOutbound();
        FullHttpResponse response = exchange("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(HttpResponseStatus.NOT_FOUND, response.status());
        response.release();
        client.writeOutbound(new io.netty.handler.codec.http.DefaultFullHttpRequest(
            io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.POST, "/metrics"));
        client.releaseOutbound();
        response = exchange("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        assertEquals(HttpResponseStatus.METHOD_NOT_ALLOWED, response.status());
        assertEquals("GET, HEAD", response.headers().get(HttpHeaderNames.ALLOW));
        response.release();
    }

    @Test
    void headOnAGetRouteAnswersItsHeadersWithoutABody()
    {
        for (final String path : List.of("/metrics", "/health", "/api/series"))
        {
            client.writeOutbound(new io.netty.handler.codec.http.DefaultFullHttpRequest(
                io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.HEAD, path));
            client.releaseOutbound();
            final FullHttpResponse response = exchange("HEAD " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
            try
            {
                assertEquals(HttpResponseStatus.OK, response.status(), path);
                assertTrue(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH) > 0, path + ": the GET's length");
                assertEquals(0, response.content().readableBytes(), path + ": no body");
            }
            finally
            {
                response.release();
            }
            assertTrue(server.isOpen(), "keep-alive after HEAD");
        }
    }

    @Test
    void jsonEndpoints() throws IOException
    {
        client.writeOutbound(new io.netty.handler.codec.http.DefaultFullHttpRequest(
            io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.GET, "/health"));
        client.releaseOutbound();
        FullHttpResponse response = exchange("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        JsonNode health = read(response);
        assertEquals(HttpResponseStatus.OK, response.status());
        response.release();
        assertTrue(health.get("live").asBoolean());
        assertTrue(health.get("ready").asBoolean());
        assertEquals(0, health.get("queues").get("tailed").asInt());
        assertEquals(0.5, health.get("lastRotation").get("ageSeconds").asDouble(), 1e-9);

        client.writeOutbound(new io.netty.handler.codec.http.DefaultFullHttpRequest(
            io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.GET, "/metrics/summary"));
        client.releaseOutbound();
        response = exchange("GET /metrics/summary HTTP/1.1\r\nHost: x\r\n\r\n");
        final JsonNode summary = read(response);
        response.release();
        final JsonNode series = summary.get("series").get(0);
        assertEquals("demo/p2p_connect{kind=\"p2p\",peer=\"a\"}", series.get("series").asText());
        assertEquals(50, series.get("last1s").get("count").asLong());
        assertEquals(50, series.get("windows").get("1h").get("count").asLong());
        assertEquals(0.002000895, series.get("last1s").get("quantileSeconds").get("0.99").asDouble(), 1e-12);
        assertEquals(0, series.get("exemplars").size(), "untraced samples make no exemplars");
        final JsonNode tracedSeries = summary.get("series").get(1);
        assertEquals("demo/transport_send{kind=\"transport\"}", tracedSeries.get("series").asText());
        final JsonNode exemplars = tracedSeries.get("exemplars");
        assertEquals(1, exemplars.size(), exemplars.toString());
        assertEquals(0.007, exemplars.get(0).get("valueSeconds").asDouble(), 1e-12);
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", exemplars.get(0).get("traceId").asText());
        assertEquals("00f067aa0ba902b7", exemplars.get(0).get("spanId").asText());
        assertEquals(T0 + 500, exemplars.get(0).get("epochMillis").asLong());

        client.writeOutbound(new io.netty.handler.codec.http.DefaultFullHttpRequest(
            io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.GET, "/api/series"));
        client.releaseOutbound();
        response = exchange("GET /api/series?x=1 HTTP/1.1\r\nHost: x\r\n\r\n");
        final JsonNode list = read(response);
        response.release();
        assertEquals("p2p", list.get("series").get(0).get("labels").get("kind").asText());
    }

    private JsonNode read(final FullHttpResponse response) throws IOException
    {
        assertEquals(Responses.JSON, response.headers().get(HttpHeaderNames.CONTENT_TYPE));
        return json.readTree(new ByteBufInputStream(response.content().duplicate()));
    }
}
