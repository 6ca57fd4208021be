package io.hotpath.daemon.systemd;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Talks to a real AF_UNIX datagram socket standing in for systemd's notify socket. */
class SystemdNotifierTest
{
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private EventLoopGroup group;

    @BeforeEach
    void setUp()
    {
        assumeTrue(Epoll.isAvailable(), "epoll unavailable");
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterEach
    void tearDown()
    {
        if (group != null)
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private Channel listen(final String address)
    {
        return new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
            .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>()
            {
                @Override
                protected void channelRead0(final ChannelHandlerContext ctx, final DomainDatagramPacket packet)
                {
                    received.add(packet.content().toString(StandardCharsets.UTF_8));
                }
            })
            .bind(new DomainSocketAddress(address)).syncUninterruptibly().channel();
    }

    @Test
    void sendsReadyStatusWatchdogAndStoppingToAFilesystemSocket(@TempDir final Path dir) throws Exception
    {
        final Path socket = dir.resolve("notify");
        final Channel receiver = listen(socket.toString());
        try (SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", socket.toString())))
        {
            assertNotNull(notifier);
            notifier.ready("tailing 3 queues, serving 127.0.0.1:9464");
            notifier.status("line one\nline two");
            notifier.watchdog();
            notifier.stopping("bye");
        }
        final String ready = received.poll(5, TimeUnit.SECONDS);
        assertNotNull(ready, "READY datagram not received");
        assertTrue(ready.startsWith("READY=1\nSTATUS=tailing 3 queues, serving 127.0.0.1:9464\nMAINPID="), ready);
        assertEquals("STATUS=line one line two", received.poll(5, TimeUnit.SECONDS));
        assertEquals("WATCHDOG=1", received.poll(5, TimeUnit.SECONDS));
        assertEquals("STOPPING=1\nSTATUS=bye", received.poll(5, TimeUnit.SECONDS));
        receiver.close().syncUninterruptibly();
        assertTrue(Files.exists(socket));
    }

    @Test
    void sendsToAnAbstractNamespaceSocket()
    {
        final String name = "hotpath-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        final Channel receiver = listen("\0" + name);
        try (SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "@" + name)))
        {
            notifier.ready("up");
            final String ready = received.poll(5, TimeUnit.SECONDS);
            assertNotNull(ready, "READY datagram not received over the abstract socket");
            assertTrue(ready.startsWith("READY=1"), ready);
        }
        catch (final InterruptedException ex)
        {
            fail(ex);
        }
        finally
        {
            receiver.close().syncUninterruptibly();
        }
    }

    @Test
    void absentSocketMeansNoNotifier()
    {
        assertNull(SystemdNotifier.fromEnvironment(Map.of()));
        assertNull(SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "")));
    }

    @Test
    void watchdogIntervalIsHalfOfWatchdogUsecForThisPid()
    {
        final String pid = Long.toString(ProcessHandle.current().pid());
        assertEquals(5_000_000, SystemdNotifier.watchdogIntervalMicros(Map.of("WATCHDOG_USEC", "10000000")));
        assertEquals(5_000_000, SystemdNotifier.watchdogIntervalMicros(Map.of("WATCHDOG_USEC", "10000000", "WATCHDOG_PID", pid)));
        assertEquals(0, SystemdNotifier.watchdogIntervalMicros(Map.of("WATCHDOG_USEC", "10000000", "WATCHDOG_PID", "1")));
        assertEquals(0, SystemdNotifier.watchdogIntervalMicros(Map.of("WATCHDOG_USEC", "junk")));
        assertEquals(0, SystemdNotifier.watchdogIntervalMicros(Map.of()));
    }
}
