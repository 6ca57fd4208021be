package io.hotpath.agent.record;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A counter many application threads bump at once without sharing one cache line: one padded cell
 * per stripe, chosen by thread id (like {@code LongAdder}, but every cell exists up front, so an
 * increment never allocates). Reading sums the cells; a read racing increments may miss the newest.
 */
final class StripedCounter
{
    /** Longs per cell: 128 bytes, two cache lines, so adjacent-line prefetching does not couple cells either. */
    private static final int PAD = 16;
    private final AtomicLongArray cells;
    private final int mask;

    StripedCounter()
    {
        final int stripes = Math.min(64, Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 2 - 1) << 1);
        this.mask = stripes - 1;
        // one leading pad so the first cell is not next to the array header (other objects' fields)
        this.cells = new AtomicLongArray((stripes + 1) * PAD);
    }

    void increment()
    {
        final long id = Thread.currentThread().getId();
        final int stripe = (int)(id ^ (id >>> 16)) & mask;
        cells.getAndIncrement((stripe + 1) * PAD);
    }

    long sum()
    {
        long sum = 0;
        for (int stripe = 0; stripe <= mask; stripe++)
        {
            sum += cells.get((stripe + 1) * PAD);
        }
        return sum;
    }
}
