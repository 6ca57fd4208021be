package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.daemon.testkit.DaemonProcess;
import io.hotpath.daemon.testkit.ExternalProcess;
import io.hotpath.daemon.testkit.LaunchedDaemon;
import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.MetricKind;
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
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real hotpathd process ({@code java -jar hotpathd.jar}) under a stand-in for systemd: an
 * AF_UNIX datagram socket named by {@code NOTIFY_SOCKET}, as {@code Type=notify} units get.
 * READY=1 must come only once the daemon answers /health and tails the spool (checked the moment
 * READY arrives), WATCHDOG=1 periodically as WATCHDOG_USEC asks, STOPPING=1 on SIGTERM.
 */
class SystemdNotifyIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SERVING = Pattern.compile("serving (http://[^;]+);");

    /** A datagram and, for READY, what /health said at that moment. */
    private record Notification(String message, HttpResponse<String> healthAtReceipt, Throwable healthFailure)
    {
    }

    @TempDir
    Path temp;

    @Test
    void readyAfterServingAndTailingThenWatchdogThenStopping() throws Exception
    {
        assumeTrue(Epoll.isAvailable(), "epoll unavailable");
        final Path spool = temp.resolve("spool");
        final BlockingQueue<Notification> received = new LinkedBlockingQueue<>();
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        final Path socket = temp.resolve("notify.sock");
        final Channel receiver = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
            .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>()
            {
                @Override
                protected void channelRead0(final ChannelHandlerContext ctx, final DomainDatagramPacket packet)
                {
                    final String message = packet.content().toString(StandardCharsets.UTF_8);
                    final Matcher serving = SERVING.matcher(message);
                    if (message.startsWith("READY=1") && serving.find())
                    {
                        // Blocking here is deliberate: the daemon's state is probed before anything else happens.
                        try
                        {
                            received.add(new Notification(message, ExternalProcess.get(serving.group(1) + "/health"), null));
                        }
                        catch (final Exception e)
                        {
                            received.add(new Notification(message, null, e));
                        }
                        return;
                    }
                    received.add(new Notification(message, null, null));
                }
            })
            .bind(new DomainSocketAddress(socket.toString())).syncUninterruptibly().channel();

        try (TestQueueWriter writer = TestQueueWriter.create(spool, "notified", System.currentTimeMillis()))
        {
            writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send");
            final long now = System.currentTimeMillis() * 1_000_000L;
            writer.writeBatch(new int[] { 1 }, new long[] { now }, new long[] { 1000 }, null, 16);

            final LaunchedDaemon daemon = LaunchedDaemon.start(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-jar",
                    DaemonProcess.jar().toString(), "--spool", spool.toString(), "--state-dir", temp.resolve("state").toString()),
                // Watchdog every 0.5 s.
                Map.of("NOTIFY_SOCKET", socket.toString(), "WATCHDOG_USEC", "1000000"),
                temp.resolve("hotpathd.log"));
            final int exit;
            final List<String> watchdogs = new ArrayList<>();
            try
            {
                final Notification ready = received.poll(30, TimeUnit.SECONDS);
                assertNotNull(ready, "no READY=1 within 30 s:\n" + daemon.log());
                assertTrue(ready.message().startsWith("READY=1\nSTATUS=serving http://127.0.0.1:"), ready.message());
                assertTrue(ready.message().contains("; 1 queue tailed;"), ready.message());
                assertTrue(ready.message().endsWith("\nMAINPID=" + daemon.pid()), ready.message());
                assertNull(ready.healthFailure(), () -> "/health did not answer when READY=1 arrived: " + ready.healthFailure());
                final JsonNode health = JSON.readTree(ready.healthAtReceipt().body());
                final JsonNode queues = health.path("queues").path("list");
                assertEquals(1, queues.size(), health.toString());
                assertEquals(writer.directory().getFileName().toString(), queues.get(0).path("queue").asText());
                assertEquals("tailing", queues.get(0).path("state").asText(), health.toString());

                // Every 0.5 s: three within 1.5 s on an idle machine; a busy one gets 15 s (no tight window).
                final long started = System.nanoTime();
                final long deadline = started + TimeUnit.SECONDS.toNanos(15);
                while (watchdogs.size() < 3 && System.nanoTime() < deadline)
                {
                    final Notification next = received.poll(100, TimeUnit.MILLISECONDS);
                    if (next != null && next.message().equals("WATCHDOG=1"))
                    {
                        watchdogs.add(next.message());
                    }
                }
                assertTrue(watchdogs.size() >= 3, "WATCHDOG=1 every 0.5 s expected, got " + watchdogs.size() + " in " +
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
            }
            finally
            {
                exit = daemon.terminate(Duration.ofSeconds(20));
            }
            assertEquals(143, exit, daemon.log());
            final List<String> afterTerm = new ArrayList<>();
            Notification next;
            while ((next = received.poll(1, TimeUnit.SECONDS)) != null)
            {
                afterTerm.add(next.message());
            }
            assertFalse(afterTerm.isEmpty(), "nothing received after SIGTERM");
            final String last = afterTerm.get(afterTerm.size() - 1);
            assertTrue(last.startsWith("STOPPING=1\nSTATUS=stopping"), afterTerm.toString());
        }
        finally
        {
            receiver.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
