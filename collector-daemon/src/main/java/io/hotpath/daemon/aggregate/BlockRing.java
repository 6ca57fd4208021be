package io.hotpath.daemon.aggregate;

import java.util.Arrays;

/**
 * The closed blocks of one tier of {@link WindowTiers} (10 s, 1 m or 5 m), newest at {@code head}, each
 * with the second it starts at. Not thread-safe: owned by the aggregation thread.
 */
final class BlockRing
{
    final CompactCounts[] blocks;
    final long[] starts;
    int head = -1;
    int size;

    BlockRing(final int keep)
    {
        blocks = new CompactCounts[keep];
        starts = new long[keep];
    }

    void push(final CompactCounts block, final long start)
    {
        head = (head + 1) % blocks.length;
        blocks[head] = block;
        starts[head] = start;
        size = Math.min(size + 1, blocks.length);
    }

    private int slot(final int age)
    {
        return Math.floorMod(head - age, blocks.length);
    }

    /** Adds the newest {@code n} blocks; returns the start of the oldest added (or {@code from}). */
    long addNewest(final int n, final WindowScratch scratch, final long from)
    {
        long oldest = from;
        for (int age = 0; age < Math.min(n, size); age++)
        {
            final int slot = slot(age);
            scratch.add(blocks[slot]);
            oldest = Math.min(oldest, starts[slot]);
        }
        return oldest;
    }

    void addBlocksSince(final long since, final WindowScratch scratch)
    {
        addBlocksSinceReturningStart(since, scratch, Long.MAX_VALUE);
    }

    long addBlocksSinceReturningStart(final long since, final WindowScratch scratch, final long from)
    {
        long oldest = from;
        for (int age = 0; age < size; age++)
        {
            final int slot = slot(age);
            if (starts[slot] < since)
            {
                break;
            }
            scratch.add(blocks[slot]);
            oldest = Math.min(oldest, starts[slot]);
        }
        return oldest;
    }

    boolean holds(final long second, final int blockSeconds)
    {
        return slotHolding(second, blockSeconds) >= 0;
    }

    void addToBlockHolding(final long second, final int blockSeconds, final SparseCounts late, final WindowScratch scratch)
    {
        final int slot = slotHolding(second, blockSeconds);
        if (slot >= 0)
        {
            blocks[slot] = blocks[slot].plus(late, scratch);
        }
    }

    /** The slot of the block of {@code blockSeconds} that holds {@code second}, or -1. */
    private int slotHolding(final long second, final int blockSeconds)
    {
        for (int age = 0; age < size; age++)
        {
            final int slot = slot(age);
            if (second >= starts[slot] && second < starts[slot] + blockSeconds)
            {
                return slot;
            }
        }
        return -1;
    }

    void clear()
    {
        Arrays.fill(blocks, null);
        head = -1;
        size = 0;
    }

    long retainedBytes()
    {
        long total = 32 + blocks.length * 12L + starts.length * 8L;
        for (int age = 0; age < size; age++)
        {
            total += blocks[slot(age)].retainedBytes();
        }
        return total;
    }
}
