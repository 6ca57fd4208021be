package io.hotpath.demo.migration;

import io.hotpath.demo.SelfTimed;
import io.hotpath.demo.transport.ClientLink;
import io.hotpath.demo.transport.EchoServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * VM migrations (memory copied in chunks over a loopback link) and job placement (decided
 * asynchronously by a scheduler thread). Failures are injected with the configured ratio:
 * a migration's destination refuses half-way ({@link MigrationException}); a placement either fails
 * ({@link PlacementException}) or finds no capacity (completes with {@code null}).
 */
public final class MigrationService extends SelfTimed implements AutoCloseable
{
    /**
     * Duration of the last placement, from the first statement of {@link #schedulePlacement} to just
     * before its future completes: the placement's true duration. (hotpath times it from its entry
     * advice to its completion callback, which runs after the completion — how long after depends on
     * the completing thread: it fires the waiter's wake-up first.) Written by the scheduler thread
     * before completing, read by the thread that awaited the future (the completion orders the two).
     */
    private volatile long lastPlacementNanos;

    public enum Host
    {
        RACK1_A, RACK1_B, RACK2_A
    }

    /** A virtual machine; {@link #size()} is its memory to copy, in bytes. */
    public record Vm(String id, int memoryBytes)
    {
        public long size()
        {
            return memoryBytes;
        }
    }

    public record Job(String id, int cpus)
    {
    }

    public record Placement(Job job, Host host)
    {
    }

    private static final int CHUNK = 16 * 1024;

    private final ClientLink link;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r ->
    {
        final Thread thread = new Thread(r, "placement-scheduler");
        thread.setDaemon(true);
        return thread;
    });
    private final Random random;
    private final double errorRatio;
    private final byte[] chunk = new byte[CHUNK];

    public MigrationService(final InetSocketAddress server, final double errorRatio, final long seed)
    {
        link = new ClientLink(server);
        this.errorRatio = errorRatio;
        this.random = new Random(seed);
        random.nextBytes(chunk);
    }

    public void migrate(final Vm vm, final Host source, final Host dest) throws IOException
    {
        final long callStart = System.nanoTime();
        try
        {
            final boolean refuse;
            synchronized (random)
            {
                refuse = random.nextDouble() < errorRatio;
            }
            long copied = 0;
            synchronized (chunk)
            {
                while (copied < vm.size())
                {
                    final int length = (int)Math.min(CHUNK, vm.size() - copied);
                    link.exchange(chunk, length, 20, EchoServer.STATUS_OK);
                    copied += length;
                    if (refuse && copied * 2 >= vm.size())
                    {
                        throw new MigrationException(dest + " refused " + vm.id() + " from " + source);
                    }
                }
            }
        }
        finally
        {
            lastCallNanos = System.nanoTime() - callStart;
        }
    }

    public CompletableFuture<Placement> schedulePlacement(final Job job)
    {
        final long callStart = System.nanoTime();
        final double draw;
        final int delayMicros;
        final Host host;
        synchronized (random)
        {
            draw = random.nextDouble();
            delayMicros = 1000 + random.nextInt(2000);
            host = Host.values()[random.nextInt(Host.values().length)];
        }
        final CompletableFuture<Placement> result = new CompletableFuture<>();
        scheduler.schedule(() ->
        {
            // the placement's true end: just before its future completes (callbacks, hotpath's included, run after)
            lastPlacementNanos = System.nanoTime() - callStart;
            if (draw < errorRatio / 2)
            {
                result.completeExceptionally(new PlacementException("no host accepts " + job.id()));
            }
            else if (draw < errorRatio)
            {
                result.complete(null);
            }
            else
            {
                result.complete(new Placement(job, host));
            }
        }, delayMicros, TimeUnit.MICROSECONDS);
        return result;
    }

    /** See {@link #lastPlacementNanos}'s field: the last awaited placement's duration, to its completion. */
    public long lastPlacementNanos()
    {
        return lastPlacementNanos;
    }

    @Override
    public void close() throws IOException
    {
        scheduler.shutdownNow();
        link.close();
    }
}
