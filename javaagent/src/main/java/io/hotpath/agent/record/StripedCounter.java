package io.hotpath.agent.record;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A counter many application threads bump at once without sharing one cache line: one padded cell
 * per {@link ThreadSlots} slot, which only its owner thread writes (a plain read and an ordered
 * store, no locked instruction), and a few shared cells, chosen by thread id and bumped atomically,
 * for threads without a slot (like {@code LongAdder}, but every cell exists up front, so an increment
 * never allocates). Reading sums the cells; a read racing increments may miss the newest.
 */
final class StripedCounter
{
    /** Longs per cell: 128 bytes, two cache lines, so adjacent-line prefetching does not couple cells either. */
    private static final int PAD = 16;
    private final AtomicLongArray cells;
    private final int sharedMask;

    StripedCounter()
    {
        final int shared = Math.min(64, Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 2 - 1) << 1);
        this.sharedMask = shared - 1;
        // one leading pad so the first cell is not next to the array header (other objects' fields)
        this.cells = new AtomicLongArray((ThreadSlots.SLOTS + shared + 1) * PAD);
    }

    void increment()
    {
        final int slot = ThreadSlots.current();
        if (slot < ThreadSlots.SLOTS)
        {
            final int cell = (slot + 1) * PAD;
            cells.setRelease(cell, cells.getPlain(cell) + 1); // the slot's owner is this cell's only writer
            return;
        }
        addShared(1);
    }

    /** Adds to a shared cell (atomically): for callers that should not take a slot, such as the drain thread. */
    @SuppressWarnings("deprecation") // Thread.getId(): Thread.threadId() only exists from JDK 19
    void addShared(final long delta)
    {
        final long id = Thread.currentThread().getId();
        final int stripe = (int)(id ^ (id >>> 16)) & sharedMask;
        cells.getAndAdd((ThreadSlots.SLOTS + stripe + 1) * PAD, delta);
    }

    long sum()
    {
        long sum = 0;
        for (int cell = 1; cell <= ThreadSlots.SLOTS + sharedMask + 1; cell++)
        {
            sum += cells.get(cell * PAD);
        }
        return sum;
    }
}
