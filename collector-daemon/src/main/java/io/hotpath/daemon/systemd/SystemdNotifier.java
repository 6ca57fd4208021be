package io.hotpath.daemon.systemd;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;

/**
 * The {@code sd_notify(3)} protocol for {@code Type=notify} units: datagrams such as {@code READY=1},
 * {@code STATUS=…}, {@code WATCHDOG=1} and {@code STOPPING=1} sent to the {@code AF_UNIX} socket
 * named by {@code $NOTIFY_SOCKET}.
 *
 * <p>Why from this process over Netty's epoll domain datagram channel rather than by running
 * {@code systemd-notify}: systemd accepts a notification only from the unit's main PID under the
 * default {@code NotifyAccess=main}, and even with {@code NotifyAccess=all} it must look up the
 * sender's cgroup before the short-lived helper exits, a race systemd documents; a datagram from
 * the daemon's own PID has neither problem. The JDK's own channels cannot send {@code AF_UNIX}
 * datagrams, hence Netty's native transport.
 *
 * <p>A path starting with {@code @} names a socket in the abstract namespace (systemd's
 * convention); it is passed to the kernel with a leading NUL byte.
 */
public final class SystemdNotifier implements AutoCloseable
{
    private final String socketPath;
    private final EventLoopGroup group;
    private final Channel channel;
    private final DomainSocketAddress target;
    private final long watchdogIntervalMicros;

    private SystemdNotifier(final String socketPath, final long watchdogIntervalMicros)
    {
        this.socketPath = socketPath;
        this.watchdogIntervalMicros = watchdogIntervalMicros;
        this.target = new DomainSocketAddress(socketPath.startsWith("@") ? "\0" + socketPath.substring(1) : socketPath);
        this.group = new MultiThreadIoEventLoopGroup(1, r ->
        {
            final Thread thread = new Thread(r, "hotpathd-sd-notify");
            thread.setDaemon(true);
            return thread;
        }, EpollIoHandler.newFactory());
        this.channel = new Bootstrap()
            .group(group)
            .channel(EpollDomainDatagramChannel.class)
            .handler(new ChannelInitializer<>()
            {
                @Override
                protected void initChannel(final Channel ch)
                {
                }
            })
            .connect(target).syncUninterruptibly().channel();
    }

    /**
     * @return a notifier when {@code NOTIFY_SOCKET} is set (we run under systemd with
     *         {@code Type=notify}) and epoll is available; {@code null} otherwise.
     * @throws IllegalStateException when {@code NOTIFY_SOCKET} is set but epoll is not available:
     *         systemd would wait for a readiness message that never comes.
     */
    public static SystemdNotifier fromEnvironment(final Map<String, String> env)
    {
        final String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty())
        {
            return null;
        }
        if (!Epoll.isAvailable())
        {
            throw new IllegalStateException(
                "NOTIFY_SOCKET is set but Netty's epoll transport is unavailable: " + Epoll.unavailabilityCause());
        }
        return new SystemdNotifier(socket, watchdogIntervalMicros(env));
    }

    /**
     * Half of {@code WATCHDOG_USEC} (as {@code sd_watchdog_enabled(3)} advises) when the watchdog is
     * enabled for this process, else 0.
     */
    static long watchdogIntervalMicros(final Map<String, String> env)
    {
        final String usec = env.get("WATCHDOG_USEC");
        if (usec == null)
        {
            return 0;
        }
        final String pid = env.get("WATCHDOG_PID");
        if (pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid())))
        {
            return 0;
        }
        try
        {
            final long value = Long.parseLong(usec.trim());
            return value > 0 ? value / 2 : 0;
        }
        catch (final NumberFormatException ex)
        {
            return 0;
        }
    }

    public String socketPath()
    {
        return socketPath;
    }

    /** Send interval for {@link #watchdog()}, or 0 when systemd does not watch us. */
    public long watchdogIntervalMicros()
    {
        return watchdogIntervalMicros;
    }

    public void ready(final String status)
    {
        send("READY=1\nSTATUS=" + oneLine(status) + "\nMAINPID=" + ProcessHandle.current().pid());
    }

    public void status(final String status)
    {
        send("STATUS=" + oneLine(status));
    }

    public void watchdog()
    {
        send("WATCHDOG=1");
    }

    public void stopping(final String status)
    {
        send("STOPPING=1\nSTATUS=" + oneLine(status));
    }

    /** Sends one datagram on the connected socket and waits for the write (microseconds on a local socket). */
    public void send(final String message)
    {
        channel.writeAndFlush(Unpooled.wrappedBuffer(message.getBytes(StandardCharsets.UTF_8)))
            .awaitUninterruptibly(1, TimeUnit.SECONDS);
    }

    private static String oneLine(final String text)
    {
        return text.replace('\n', ' ');
    }

    @Override
    public void close()
    {
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
