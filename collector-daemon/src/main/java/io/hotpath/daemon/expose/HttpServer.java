package io.hotpath.daemon.expose;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import io.hotpath.daemon.expose.web.WebSecurity;

/**
 * The daemon's HTTP server: binds, serves {@link Routes} through {@link HttpServerInitializer}'s
 * pipeline on one event loop (requests only copy prepared bytes), closes gracefully.
 */
public final class HttpServer implements AutoCloseable
{
    /** How long the loop sleeps with nothing scheduled: a connection or a task wakes it at once. */
    static final long IDLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

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
        final EventLoopGroup group = new QuietEventLoopGroup(NioIoHandler.newFactory());
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

    /**
     * One {@code hotpathd-http} loop that does not wake every second while idle. Netty 4.2's loop with
     * nothing scheduled still waits at most one second ({@code select} and {@code epoll_wait} alike;
     * 4.1's NIO loop waited without a limit), so an idle daemon's HTTP thread woke once a second,
     * 0.2-0.7 % of a core in this host's slow phases. With nothing scheduled it now waits
     * {@link #IDLE_WAIT_NANOS}; a scheduled task (a connection's deadline) keeps its own.
     */
    private static final class QuietEventLoopGroup extends MultiThreadIoEventLoopGroup
    {
        QuietEventLoopGroup(final IoHandlerFactory io)
        {
            super(1, (ThreadFactory)r -> new FastThreadLocalThread(r, "hotpathd-http"), io);
        }

        @Override
        protected IoEventLoop newChild(final Executor executor, final IoHandlerFactory io, final Object... args)
        {
            return new SingleThreadIoEventLoop(this, executor, io)
            {
                @Override
                protected long delayNanos(final long currentTimeNanos)
                {
                    return nextScheduledTaskDeadlineNanos() == -1 ? IDLE_WAIT_NANOS : super.delayNanos(currentTimeNanos);
                }

                @Override
                protected long deadlineNanos()
                {
                    final long next = nextScheduledTaskDeadlineNanos();
                    return next == -1 ? getCurrentTimeNanos() + IDLE_WAIT_NANOS : next;
                }
            };
        }
    }
}
