package io.hotpath.daemon.expose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.aggregate.Series;
import io.hotpath.daemon.aggregate.SeriesKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * OpenMetrics and gzip are prepared at the rotation only while scrapes ask for them: the first
 * OpenMetrics scrape waits for the next rotation, gzip'd bodies are compressed once per rendering,
 * ahead of the scrape, and both stop being prepared when nobody asked for the idle time.
 */
class OnDemandRenderingTest
{
    private static final long T0 = 1_800_000_000_000L;
    private static final long IDLE = 60_000;
    private final AtomicLong now = new AtomicLong(T0 + 1000);
    private final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), T0);
    private final MetricsRenderer renderer = new MetricsRenderer(ExpositionSettings.defaults().withOnDemandIdleMillis(IDLE));
    private final EmbeddedChannel server = new EmbeddedChannel();
    private final EmbeddedChannel client = new EmbeddedChannel(new HttpClientCodec(), new HttpContentDecompressor(), new HttpObjectAggregator(1 << 24));

    OnDemandRenderingTest()
    {
        final Series series = aggregator.registry().resolve(new SeriesKey("demo", "p2p_connect", "p2p", Map.of("peer", "a")));
        for (int i = 0; i < 50; i++)
        {
            aggregator.record(series, T0 * 1_000_000L, 2_000_000L + i, false, 0, -1, false, 0, 0, 0);
        }
        aggregator.rotate(T0 + 1000);
        renderer.addSource(new SeriesMetricFamilies(AggregationSettings.DEFAULT_BUCKETS_NANOS));
        renderer.render(aggregator.latest(), now.get());
        final Routes routes = new DaemonRoutes(renderer, aggregator::latest, List::of, new ScrapeStats(), now::get).register(new Routes());
        HttpServerInitializer.configure(server.pipeline(), new HttpRequestHandler(routes));
    }

    @AfterEach
    void close()
    {
        renderer.close();
        server.finishAndReleaseAll();
        client.finishAndReleaseAll();
    }

    private void send(final String request)
    {
        client.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/metrics"));
        client.releaseOutbound();
        server.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
    }

    private FullHttpResponse receive()
    {
        server.runPendingTasks(); // responses completed by a rotation are built on the channel's event loop
        ByteBuf out;
        while ((out = server.readOutbound()) != null)
        {
            client.writeInbound(out);
        }
        return client.readInbound();
    }

    @Test
    void firstOpenMetricsScrapeIsAnsweredByTheNextRotationThenAtOnce()
    {
        assertNull(renderer.latest().openMetricsText(), "nobody asked yet");
        send("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text;version=1.0.0\r\n\r\n");
        assertNull(receive(), "waits for the rotation");

        renderer.render(aggregator.latest(), now.addAndGet(1000));
        FullHttpResponse response = receive();
        try
        {
            assertEquals(TextMetricWriter.OPENMETRICS_CONTENT_TYPE, response.headers().get(HttpHeaderNames.CONTENT_TYPE));
            assertTrue(response.content().toString(StandardCharsets.UTF_8).endsWith("# EOF\n"));
        }
        finally
        {
            response.release();
        }

        renderer.render(aggregator.latest(), now.addAndGet(1000));
        send("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text;version=1.0.0\r\n\r\n");
        response = receive();
        assertEquals(TextMetricWriter.OPENMETRICS_CONTENT_TYPE, response.headers().get(HttpHeaderNames.CONTENT_TYPE), "rendered ahead now");
        response.release();

        renderer.render(aggregator.latest(), now.addAndGet(IDLE + 1000));
        assertNull(renderer.latest().openMetricsText(), "no longer rendered once nobody asked for the idle time");
    }

    @Test
    void gzipIsCompressedOncePerRenderingAheadOfTheScrape() throws InterruptedException
    {
        send("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
        final FullHttpResponse first = receive();
        try
        {
            assertTrue(first.content().toString(StandardCharsets.UTF_8).contains("hotpath_duration_seconds_bucket{"), "decompressed by the client");
        }
        finally
        {
            first.release();
        }
        assertTrue(renderer.latest().gzipReady(false), "the first gzip scrape compressed this rendering, and keeps it");

        renderer.render(aggregator.latest(), now.addAndGet(1000));
        final RenderedMetrics next = renderer.latest();
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!next.gzipReady(false) && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
        assertTrue(next.gzipReady(false), "compressed in the background after the rotation, before any scrape");
        final byte[] compressed = next.gzipped(false);
        assertTrue(compressed.length * 4 < next.prometheusText().length, compressed.length + " of " + next.prometheusText().length);

        renderer.render(aggregator.latest(), now.addAndGet(IDLE + 1000));
        Thread.sleep(200);
        assertFalse(renderer.latest().gzipReady(false), "not compressed once nobody asked for gzip for the idle time");
    }

    @Test
    void gzipIsCompressedAheadOnlyShortlyBeforeTheNextExpectedScrape() throws InterruptedException
    {
        // Scrapes every 15 s: the renderings of the seconds right after a scrape are not compressed.
        for (int scrape = 0; scrape < 2; scrape++)
        {
            send("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
            receive().release();
            if (scrape == 0)
            {
                now.addAndGet(15_000);
            }
        }
        final double aheadFromSecond = (15_000 - MetricsRenderer.GZIP_AHEAD_MILLIS) / 1000.0;
        final RenderedMetrics[] renderings = new RenderedMetrics[15];
        for (int second = 0; second < renderings.length; second++)
        {
            renderer.render(aggregator.latest(), now.addAndGet(1000));
            renderings[second] = renderer.latest();
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (second + 1 >= aheadFromSecond && !renderings[second].gzipReady(false) && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
        }
        for (int second = 0; second < renderings.length; second++)
        {
            assertEquals(second + 1 >= aheadFromSecond, renderings[second].gzipReady(false), "rendering " + (second + 1) + " s after the scrape");
        }
    }
}
