package io.hotpath.daemon.systemd;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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

/**
 * The supervisor's protocol against a real AF_UNIX datagram socket, with a stand-in daemon whose
 * readiness and rotation progress the test controls, and a test clock for stall detection.
 */
class SystemdSupervisorTest
{
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private EventLoopGroup group;
    private Channel receiver;
    private Path socket;

    /** A daemon that becomes ready when told and whose progress stamp the test moves. */
    private static final class StandIn implements SystemdSupervisor.Supervised
    {
        final CountDownLatch tailing = new CountDownLatch(1);
        final AtomicLong progress = new AtomicLong(1);
        volatile String status = "serving http://127.0.0.1:1; 0 queues tailed; 0 series";

        @Override
        public boolean awaitTailing(final long timeout, final TimeUnit unit) throws InterruptedException
        {
            return tailing.await(timeout, unit);
        }

        @Override
        public long progress()
        {
            return progress.get();
        }

        @Override
        public String status()
        {
            return status;
        }
    }

    @BeforeEach
    void setUp(@TempDir final Path dir)
    {
        assumeTrue(Epoll.isAvailable(), "epoll unavailable");
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        socket = dir.resolve("notify");
        receiver = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
            .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>()
            {
                @Override
                protected void channelRead0(final ChannelHandlerContext ctx, final DomainDatagramPacket packet)
                {
                    received.add(packet.content().toString(StandardCharsets.UTF_8));
                }
            })
            .bind(new DomainSocketAddress(socket.toString())).syncUninterruptibly().channel();
    }

    @AfterEach
    void tearDown()
    {
        if (group != null)
        {
            receiver.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private SystemdSupervisor supervisor(final Map<String, String> env, final AtomicLong clock)
    {
        return new SystemdSupervisor(SystemdNotifier.fromEnvironment(env), clock::get);
    }

    @Test
    void readyOnlyOnceTheDaemonTailsThenStatusChangesThenStopping() throws Exception
    {
        final StandIn daemon = new StandIn();
        try (SystemdSupervisor supervisor = supervisor(Map.of("NOTIFY_SOCKET", socket.toString()), new AtomicLong()))
        {
            assertTrue(supervisor.active());
            supervisor.watch(daemon);
            assertNull(received.poll(1500, TimeUnit.MILLISECONDS), "nothing may be sent before the daemon tails the spool");
            daemon.tailing.countDown();
            final String ready = received.poll(5, TimeUnit.SECONDS);
            assertNotNull(ready);
            assertTrue(ready.startsWith("READY=1\nSTATUS=serving http://127.0.0.1:1; 0 queues tailed; 0 series\nMAINPID="), ready);

            daemon.status = "serving http://127.0.0.1:1; 2 queues tailed; 7 series";
            final String status = received.poll(SystemdSupervisor.STATUS_INTERVAL_MILLIS + 5000, TimeUnit.MILLISECONDS);
            assertEquals("STATUS=serving http://127.0.0.1:1; 2 queues tailed; 7 series", status);

            supervisor.stopping();
            final String stopping = received.poll(5, TimeUnit.SECONDS);
            assertNotNull(stopping);
            assertTrue(stopping.startsWith("STOPPING=1\nSTATUS=stopping"), stopping);
        }
        assertNull(received.poll(300, TimeUnit.MILLISECONDS), "nothing after STOPPING=1");
    }

    @Test
    void watchdogPingsOnlyWhileTheAggregationThreadRotates() throws Exception
    {
        final StandIn daemon = new StandIn();
        daemon.tailing.countDown();
        final AtomicLong clock = new AtomicLong();
        // WATCHDOG_USEC 0.2 s: a ping every 100 ms.
        try (SystemdSupervisor supervisor = supervisor(Map.of("NOTIFY_SOCKET", socket.toString(), "WATCHDOG_USEC", "200000"), clock))
        {
            supervisor.watch(daemon);
            assertTrue(received.poll(5, TimeUnit.SECONDS).startsWith("READY=1"));
            assertEquals("WATCHDOG=1", received.poll(5, TimeUnit.SECONDS));
            assertEquals("WATCHDOG=1", received.poll(5, TimeUnit.SECONDS));

            // No rotation for longer than the stall limit: one STATUS, then silence.
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(SystemdSupervisor.STALL_MILLIS + 1000));
            String message;
            do
            {
                message = received.poll(5, TimeUnit.SECONDS);
                assertNotNull(message, "expected the stall STATUS");
            }
            while (message.equals("WATCHDOG=1"));
            assertTrue(message.startsWith("STATUS=stalled: no rotation for "), message);
            assertNull(received.poll(600, TimeUnit.MILLISECONDS), "no WATCHDOG=1 while stalled");

            // A rotation: pings resume.
            daemon.progress.incrementAndGet();
            assertEquals("WATCHDOG=1", received.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void withoutNotifySocketEverythingIsANoOp()
    {
        try (SystemdSupervisor supervisor = SystemdSupervisor.fromEnvironment(Map.of()))
        {
            assertFalse(supervisor.active());
            supervisor.watch(new StandIn());
            supervisor.stopping();
        }
    }

    @Test
    void statusLineNamesAddressQueuesSeriesAndLag()
    {
        assertEquals("serving http://127.0.0.1:9464; 1 queue tailed; 0 series",
            SystemdSupervisor.statusLine("127.0.0.1:9464", 1, 0, 0, 0, 0.2));
        assertEquals("serving http://0.0.0.0:9464; 3 queues tailed, 2 finished, 1 refused; 12 series; max lag 42 s",
            SystemdSupervisor.statusLine("0.0.0.0:9464", 3, 2, 1, 12, 41.6));
    }
}
