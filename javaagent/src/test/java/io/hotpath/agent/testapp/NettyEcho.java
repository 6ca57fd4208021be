package io.hotpath.agent.testapp;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.net.ServerSocket;
import java.net.SocketAddress;

/**
 * A Netty echo server and client on 127.0.0.1: one connect, {@code n} writeAndFlush calls, then one
 * connect to a closed port (fails).
 */
final class NettyEcho
{
    private NettyEcho()
    {
    }

    static void run(final int n) throws Exception
    {
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try
        {
            final Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter()
                        {
                            @Override
                            public void channelRead(final ChannelHandlerContext ctx, final Object msg)
                            {
                                ctx.writeAndFlush(msg);
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            final CountDownLatch echoed = new CountDownLatch(n * 10);
            final Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter()
                        {
                            @Override
                            public void channelRead(final ChannelHandlerContext ctx, final Object msg)
                            {
                                final ByteBuf buf = (ByteBuf)msg;
                                for (int i = 0; i < buf.readableBytes(); i++)
                                {
                                    echoed.countDown();
                                }
                                buf.release();
                            }
                        });
                    }
                })
                .connect(server.localAddress()).sync().channel();
            for (int i = 0; i < n; i++)
            {
                client.writeAndFlush(Unpooled.wrappedBuffer(new byte[10])).sync();
            }
            if (!echoed.await(10, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("netty echo incomplete");
            }
            client.close().sync();
            server.close().sync();
            try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
            {
                final SocketAddress dead = unused.getLocalSocketAddress();
                unused.close();
                final boolean connected = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(dead).await().isSuccess();
                if (connected)
                {
                    throw new IllegalStateException("connected to a closed port");
                }
            }
        }
        finally
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
