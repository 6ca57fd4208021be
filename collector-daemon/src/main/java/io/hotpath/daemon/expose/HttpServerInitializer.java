package io.hotpath.daemon.expose;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

/**
 * The pipeline: HTTP codec → keep-alive → gzip/deflate when the client accepts it → aggregate the
 * (small) request → our routes. Requests are GETs without bodies; anything over
 * {@value #MAX_REQUEST_BYTES} bytes is refused by the aggregator.
 */
public final class HttpServerInitializer extends ChannelInitializer<SocketChannel>
{
    static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final HttpRequestHandler handler;
    private final io.hotpath.daemon.expose.web.WebSecurity security;

    public HttpServerInitializer(final HttpRequestHandler handler)
    {
        this(handler, io.hotpath.daemon.expose.web.WebSecurity.NONE);
    }

    /** With TLS first and authentication before the routes, as {@code security} says. */
    public HttpServerInitializer(final HttpRequestHandler handler, final io.hotpath.daemon.expose.web.WebSecurity security)
    {
        this.handler = handler;
        this.security = security;
    }

    @Override
    protected void initChannel(final SocketChannel channel)
    {
        configure(channel.pipeline(), handler);
        security.secure(channel);
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
