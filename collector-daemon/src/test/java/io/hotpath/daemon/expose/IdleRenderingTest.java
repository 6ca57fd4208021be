package io.hotpath.daemon.expose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
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
 * Issue 17: an unscraped daemon renders nothing at its rotations ({@link MetricsRenderer#renderOnlyWhenAsked});
 * the first scrape after an idle spell is answered by the next rotation, never with an old rendering,
 * and renderings go on at every rotation while scrapes come.
 */
class IdleRenderingTest
{
    private static final long T0 = 1_800_000_000_000L;
    private static final long IDLE = 60_000;
    private final AtomicLong now = new AtomicLong(T0 + 1000);
    private final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), T0);
    private final MetricsRenderer renderer = new MetricsRenderer(ExpositionSettings.defaults().withOnDemandIdleMillis(IDLE)).renderOnlyWhenAsked(() -> { });
    private final EmbeddedChannel server = new EmbeddedChannel();
    private final EmbeddedChannel client = new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(1 << 24));
    private final Series series = aggregator.registry().resolve(new SeriesKey("demo", "p2p_connect", "p2p", Map.of("peer", "a")));

    IdleRenderingTest()
    {
        renderer.addSource(new SeriesMetricFamilies(AggregationSettings.DEFAULT_BUCKETS_NANOS));
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

    private void rotate(final int calls)
    {
        for (int i = 0; i < calls; i++)
        {
            aggregator.record(series, (now.get() - 500) * 1_000_000L, 2_000_000L + i, false, 0, -1, false, 0, 0, 0);
        }
        aggregator.rotate(now.addAndGet(1000));
        renderer.render(aggregator.latest(), now.get());
    }

    private void scrape()
    {
        client.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/metrics"));
        client.releaseOutbound();
        server.writeInbound(Unpooled.copiedBuffer("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
    }

    private String received()
    {
        server.runPendingTasks();
        ByteBuf out;
        while ((out = server.readOutbound()) != null)
        {
            client.writeInbound(out);
        }
        final FullHttpResponse response = client.readInbound();
        if (response == null)
        {
            return null;
        }
        try
        {
            return response.content().toString(StandardCharsets.UTF_8);
        }
        finally
        {
            response.release();
        }
    }

    @Test
    void unscrapedRotationsRenderNothingAndTheFirstScrapeGetsTheNextRotation()
    {
        final RenderedMetrics initial = renderer.latest();
        rotate(50);
        assertSame(initial, renderer.latest(), "nobody scraped: nothing rendered");

        scrape();
        assertNull(received(), "waits for the next rotation rather than serving an old rendering");
        rotate(0);
        final String first = received();
        assertNotNull(first);
        assertTrue(first.contains("hotpath_calls_total{") && first.contains("} 50"), first);

        rotate(7);
        scrape();
        final String second = received();
        assertNotNull(second, "scraped lately: the last rotation rendered, served at once");
        assertTrue(second.contains("} 57"), second);

        for (int i = 0; i < IDLE / 1000 + 1; i++)
        {
            rotate(1);
        }
        final RenderedMetrics stale = renderer.latest();
        rotate(1);
        assertSame(stale, renderer.latest(), "no scrape for the idle time: rotations render nothing again");
        scrape();
        assertNull(received());
        rotate(0);
        final String again = received();
        assertNotNull(again);
        assertTrue(again.contains("} " + (57 + IDLE / 1000 + 2)), again);
        assertEquals(now.get(), renderer.latest().renderedAtEpochMillis());
    }
}
