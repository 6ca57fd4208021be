package io.hotpath.benchmarks;

import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.MessageHandler;
import io.hotpath.agent.record.StripedRing;

/**
 * A benchmark-only consumer of the agent's ring: reads records exactly as the agent's drain thread
 * does ({@code ring.read(handler, 4096)}, which also zeroes what it consumed, and a park of
 * {@code hotpath.drain.idleMs} = 1 ms when the ring is empty), then throws them away instead of
 * encoding them into Chronicle Queue.
 *
 * <p>Why: an application thread in a tight loop records tens of millions of samples per second,
 * more than the real drain can spool; the ring then fills and most calls take the shorter "full →
 * count a drop" path, which makes the record path look cheaper than it is. With this consumer and a
 * large ring the producer side — the code that runs on application threads — is the production code
 * on a ring that is not full. The drain's own throughput is measured by {@code SpoolDrainBenchmark}.
 */
final class DiscardingDrain implements AutoCloseable
{
    private static final int READ_LIMIT = 4096;
    private static final long IDLE_NANOS = 1_000_000L;

    private final StripedRing ring;
    private final Thread thread;
    private volatile boolean running = true;

    private DiscardingDrain(final StripedRing ring)
    {
        this.ring = ring;
        this.thread = new Thread(this::run, "benchmark-discarding-drain");
        thread.setDaemon(true);
    }

    static DiscardingDrain start(final StripedRing ring)
    {
        final DiscardingDrain drain = new DiscardingDrain(ring);
        drain.thread.start();
        return drain;
    }

    private void run()
    {
        final MessageHandler discard = (msgTypeId, buffer, index, length) ->
        {
        };
        while (running)
        {
            if (ring.read(discard, READ_LIMIT) == 0)
            {
                LockSupport.parkNanos(IDLE_NANOS);
            }
        }
    }

    /** Blocks until the drain has consumed everything written so far. */
    void awaitEmpty()
    {
        awaitEmpty(ring);
    }

    /** Blocks until the ring's consumer (whichever it is) has caught up with its producers. */
    static void awaitEmpty(final StripedRing ring)
    {
        while (ring.size() > 0)
        {
            LockSupport.parkNanos(100_000L);
        }
    }

    @Override
    public void close() throws InterruptedException
    {
        running = false;
        thread.join();
    }
}
