package io.hotpath.daemon.expose;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import io.hotpath.daemon.expose.web.WebSecurity;

/**
 * The daemon's HTTP server: binds, serves {@link Routes} through {@link HttpServerInitializer}'s
 * pipeline on one event loop (requests only copy prepared bytes), closes gracefully.
 */
public final class HttpServer implements AutoCloseable
{
    private final Channel channel;
    private final EventLoopGroup group;

    private HttpServer(final Channel channel, final EventLoopGroup group)
    {
        this.channel = channel;
        this.group = group;
    }

    /** Binds {@code address}; throws if it cannot (the caller names the address). */
    public static HttpServer start(final InetSocketAddress address, final Routes routes) throws InterruptedException
    {
        return start(address, routes, HttpLimits.defaults(), new ScrapeStats(), WebSecurity.NONE);
    }

    /**
     * Binds {@code address} with {@code limits}; the connection cap is lowered below the open-file
     * limit ({@link HttpLimits#effectiveMaxConnections}); {@code stats} receives the connection counters.
     */
    public static HttpServer start(final InetSocketAddress address, final Routes routes, final HttpLimits limits,
        final ScrapeStats stats) throws InterruptedException
    {
        return start(address, routes, limits, stats, WebSecurity.NONE);
    }

    /** As above, with TLS and authentication as {@code security} says. */
    public static HttpServer start(final InetSocketAddress address, final Routes routes, final HttpLimits limits,
        final ScrapeStats stats, final WebSecurity security) throws InterruptedException
    {
        final int maxConnections = limits.effectiveMaxConnections(HttpLimits.openFileLimit());
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try
        {
            final Channel channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new HttpServerInitializer(new HttpRequestHandler(routes), limits, stats, maxConnections, security))
                .bind(address).sync().channel();
            return new HttpServer(channel, group);
        }
        catch (final RuntimeException | InterruptedException e)
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public InetSocketAddress address()
    {
        return (InetSocketAddress)channel.localAddress();
    }

    @Override
    public void close()
    {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
