package io.hotpath.daemon.systemd;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What systemd learns about a running hotpathd ({@code Type=notify}, {@code WatchdogSec=}): one
 * timer thread that sends, through a {@link SystemdNotifier},
 * <ul>
 *   <li>{@code READY=1} with a {@code STATUS=} once the daemon is {@linkplain Supervised#awaitTailing
 *       serving and tailing} — not when the JVM merely runs, so that units ordered
 *       {@code After=hotpathd.service} find {@code /metrics} answering;</li>
 *   <li>{@code WATCHDOG=1} every half {@code WATCHDOG_USEC}, but only while the aggregation thread
 *       makes {@linkplain Supervised#progress progress} (a rotation within {@link #STALL_MILLIS}):
 *       a stuck aggregation thread stops the pings and systemd restarts hotpathd from its checkpoint,
 *       although the JVM and its HTTP server still run;</li>
 *   <li>{@code STATUS=} when the one-line summary changes (checked every {@link #STATUS_INTERVAL_MILLIS});</li>
 *   <li>{@code STOPPING=1} when shutdown begins.</li>
 * </ul>
 * Without {@code NOTIFY_SOCKET} (not under systemd) every method does nothing.
 *
 * <p>Progress is judged on the monotonic clock from the moments the rotation stamp changes, so a
 * wall-clock step does not by itself stop or fake the pings.
 */
public final class SystemdSupervisor implements AutoCloseable
{
    /** A rotation happens every second; this long without one means the aggregation thread is stuck (as /health judges it). */
    public static final long STALL_MILLIS = 5_000;
    static final long STATUS_INTERVAL_MILLIS = 5_000;

    private static final Logger LOG = Logger.getLogger(SystemdSupervisor.class.getName());

    /** The daemon as the supervisor sees it. */
    public interface Supervised
    {
        /** Blocks until serving and tailing, or the timeout; true when ready. */
        boolean awaitTailing(long timeout, TimeUnit unit) throws InterruptedException;

        /** A value that changes whenever the aggregation thread completes a rotation. */
        long progress();

        /** One line for {@code systemctl status}. */
        String status();
    }

    private final SystemdNotifier notifier;
    private final ScheduledExecutorService timer;
    private final LongSupplier nanoClock;
    private volatile boolean stopping;
    private Supervised daemon;
    private long lastProgress;
    private long lastProgressNanos;
    private boolean stallReported;
    private String lastStatus;

    SystemdSupervisor(final SystemdNotifier notifier, final LongSupplier nanoClock)
    {
        this.notifier = notifier;
        this.nanoClock = nanoClock;
        this.timer = notifier == null ? null : Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread thread = new Thread(r, "hotpathd-systemd");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * @return a supervisor talking to {@code $NOTIFY_SOCKET}, or an inert one when it is not set.
     * @throws IllegalStateException when {@code NOTIFY_SOCKET} is set but cannot be used (see
     *         {@link SystemdNotifier#fromEnvironment}).
     */
    public static SystemdSupervisor fromEnvironment(final Map<String, String> env)
    {
        return new SystemdSupervisor(SystemdNotifier.fromEnvironment(env), System::nanoTime);
    }

    /** True when hotpathd runs under systemd with {@code Type=notify}. */
    public boolean active()
    {
        return notifier != null;
    }

    /** Starts watching a started daemon: readiness, then watchdog pings and status updates. */
    public void watch(final Supervised supervised)
    {
        if (notifier == null)
        {
            return;
        }
        this.daemon = supervised;
        timer.execute(this::awaitReadiness);
    }

    private void awaitReadiness()
    {
        try
        {
            while (!stopping && !daemon.awaitTailing(1, TimeUnit.SECONDS))
            {
                // systemd's TimeoutStartSec= bounds this wait.
            }
        }
        catch (final InterruptedException e)
        {
            return;
        }
        if (stopping)
        {
            return;
        }
        lastProgress = daemon.progress();
        lastProgressNanos = nanoClock.getAsLong();
        lastStatus = daemon.status();
        notifier.ready(lastStatus);
        final long watchdogMicros = notifier.watchdogIntervalMicros();
        if (watchdogMicros > 0)
        {
            timer.scheduleAtFixedRate(this::watchdogTick, 0, watchdogMicros, TimeUnit.MICROSECONDS);
        }
        timer.scheduleWithFixedDelay(this::statusTick, STATUS_INTERVAL_MILLIS, STATUS_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    void watchdogTick()
    {
        if (stopping)
        {
            return;
        }
        try
        {
            if (aggregationAlive())
            {
                notifier.watchdog();
            }
        }
        catch (final RuntimeException e)
        {
            LOG.log(Level.WARNING, "cannot send WATCHDOG=1 to systemd", e);
        }
    }

    /** Whether the aggregation thread rotated within {@link #STALL_MILLIS}; logs the first stall. */
    boolean aggregationAlive()
    {
        final long now = nanoClock.getAsLong();
        final long progress = daemon.progress();
        if (progress != lastProgress)
        {
            lastProgress = progress;
            lastProgressNanos = now;
            if (stallReported)
            {
                LOG.info("aggregation thread rotates again; watchdog pings resumed");
                stallReported = false;
            }
        }
        final long stalledMillis = TimeUnit.NANOSECONDS.toMillis(now - lastProgressNanos);
        if (stalledMillis <= STALL_MILLIS)
        {
            return true;
        }
        if (!stallReported)
        {
            stallReported = true;
            LOG.severe("aggregation thread has not rotated for " + stalledMillis / 1000 +
                " s: withholding WATCHDOG=1 so that systemd restarts hotpathd from its checkpoint");
            notifier.status("stalled: no rotation for " + stalledMillis / 1000 + " s");
        }
        return false;
    }

    private void statusTick()
    {
        if (stopping || stallReported)
        {
            return;
        }
        try
        {
            final String status = daemon.status();
            if (!status.equals(lastStatus))
            {
                lastStatus = status;
                notifier.status(status);
            }
        }
        catch (final RuntimeException e)
        {
            LOG.log(Level.FINE, "cannot send STATUS to systemd", e);
        }
    }

    /** Tells systemd shutdown has begun ({@code STOPPING=1}); no more pings or status updates after it. */
    public void stopping()
    {
        if (notifier == null || stopping)
        {
            return;
        }
        stopping = true;
        timer.shutdownNow();
        try
        {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        notifier.stopping("stopping: flushing the open interval and writing a last checkpoint");
    }

    @Override
    public void close()
    {
        if (notifier == null)
        {
            return;
        }
        stopping = true;
        timer.shutdownNow();
        notifier.close();
    }

    public static String statusLine(final String address, final int tailed, final int finished, final int refused, final int series,
        final double maxLagSeconds)
    {
        final StringBuilder line = new StringBuilder("serving http://").append(address).append("; ")
            .append(tailed).append(tailed == 1 ? " queue" : " queues").append(" tailed");
        if (finished > 0)
        {
            line.append(", ").append(finished).append(" finished");
        }
        if (refused > 0)
        {
            line.append(", ").append(refused).append(" refused");
        }
        line.append("; ").append(series).append(" series");
        if (maxLagSeconds >= 1)
        {
            line.append("; max lag ").append(Math.round(maxLagSeconds)).append(" s");
        }
        return line.toString();
    }
}
