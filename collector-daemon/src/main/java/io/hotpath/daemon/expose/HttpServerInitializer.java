package io.hotpath.daemon.expose;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.hotpath.daemon.expose.web.WebSecurity;

/**
 * The pipeline: connection guard (cap, idle and request timeouts: {@link ConnectionGuard}) → HTTP codec → keep-alive → gzip/deflate when the client accepts it → aggregate the
 * (small) request → our routes. Requests are GETs without bodies; anything over
 * {@value #MAX_REQUEST_BYTES} bytes is refused by the aggregator.
 */
public final class HttpServerInitializer extends ChannelInitializer<SocketChannel>
{
    static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final HttpRequestHandler handler;
    private final HttpLimits limits;
    private final ScrapeStats stats;
    private final ConnectionLimiter limiter;
    private final WebSecurity security;

    public HttpServerInitializer(final HttpRequestHandler handler)
    {
        this(handler, HttpLimits.defaults(), new ScrapeStats(), Integer.MAX_VALUE, WebSecurity.NONE);
    }

    /** {@code maxConnections}: the cap in force (see {@link HttpLimits#effectiveMaxConnections}). */
    public HttpServerInitializer(final HttpRequestHandler handler, final HttpLimits limits, final ScrapeStats stats, final int maxConnections,
        final WebSecurity security)
    {
        this.security = security;
        this.handler = handler;
        this.limits = limits;
        this.stats = stats;
        this.limiter = new ConnectionLimiter(maxConnections, stats);
    }

    @Override
    protected void initChannel(final SocketChannel channel)
    {
        configure(channel.pipeline(), handler, new ConnectionGuard(limiter, limits, stats));
        security.secure(channel);
    }

    /** The pipeline behind a {@link ConnectionGuard}: all channels of one server share its limiter. */
    static void configure(final ChannelPipeline pipeline, final HttpRequestHandler handler, final ConnectionGuard guard)
    {
        pipeline.addLast("guard", guard);
        configure(pipeline, handler);
        pipeline.addBefore("routes", "requestHook", guard.requestHook());
    }

    /** Also used by the tests' EmbeddedChannel. */
    public static void configure(final ChannelPipeline pipeline, final HttpRequestHandler handler)
    {
        pipeline.addLast("codec", new HttpServerCodec());
        pipeline.addLast("keepAlive", new HttpServerKeepAliveHandler());
        pipeline.addLast("compressor", new HttpContentCompressor());
        pipeline.addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES));
        pipeline.addLast("routes", handler);
    }
}
