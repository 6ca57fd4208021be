package io.hotpath.daemon.aggregate;

/**
 * Rolling windows of one series, built from closed 1-second intervals with tiered rings and running
 * accumulators, so that window quantiles come from merged bucket counts (exact to the histogram's
 * precision), never from averaged percentiles.
 *
 * <pre>
 *  closed 1 s interval ──add──► partial 10 s ──close every 10 s──► ring of  6 × 10 s ──► acc(6)  ─┐ 1m  = acc(6)  + partial 10 s
 *                     ├─add──► partial  1 m ──close every  1 m──► ring of 15 ×  1 m ──► acc(5)  ─┤ 5m  = acc(5)  + partial 1 m
 *                     │                                                     └──────► acc(15) ─┤ 15m = acc(15) + partial 1 m
 *                     └─add──► partial  5 m ──close every  5 m──► ring of 12 ×  5 m ──► acc(12) ─┘ 1h  = acc(12) + partial 5 m
 * </pre>
 *
 * A closing block is added to each accumulator of its tier, and the block that falls out of that
 * accumulator's reach is subtracted: one merge each, only at block boundaries. Every second costs
 * three merges of the (small) closed interval into the partials; a window is never materialised —
 * {@link Quantiles#compute} walks accumulator and partial together.
 *
 * <p>Coverage: a window holds its whole closed blocks plus the current partial block, so it spans
 * at least its nominal length and at most one block more: 1m = 60–69 s, 5m = 300–359 s,
 * 15m = 900–959 s, 1h = 3600–3899 s. Blocks are aligned to wall-clock multiples of their length.
 *
 * <p>Memory: 33 closed blocks + 3 partials + 4 accumulators of {@link SparseCounts}, each
 * proportional to the distinct buckets it holds, instead of 1-second rings of dense histograms.
 *
 * <p>Not thread-safe: owned by the aggregation thread.
 */
public final class WindowTiers
{
    /** Window names as they appear in {@code window="…"}, in the order of {@link #windowCount()}. */
    public static final String[] WINDOW_NAMES = { "1m", "5m", "15m", "1h" };
    private static final int[] TIER_BLOCK_SECONDS = { 10, 60, 300 };
    private static final int[] TIER_KEEP = { 6, 15, 12 };
    private static final int[] WINDOW_TIER = { 0, 1, 1, 2 };
    private static final int[] WINDOW_BLOCKS = { 6, 5, 15, 12 };

    /** How far back a late sample can still land in its own block. */
    public static final int HORIZON_SECONDS = TIER_BLOCK_SECONDS[2] * (TIER_KEEP[2] + 1);

    private final Tier[] tiers = new Tier[TIER_BLOCK_SECONDS.length];
    private final SparseCounts[] accumulators = new SparseCounts[WINDOW_NAMES.length];

    public WindowTiers()
    {
        for (int t = 0; t < tiers.length; t++)
        {
            tiers[t] = new Tier(TIER_BLOCK_SECONDS[t], TIER_KEEP[t]);
        }
        for (int w = 0; w < accumulators.length; w++)
        {
            accumulators[w] = new SparseCounts();
        }
    }

    public static int windowCount()
    {
        return WINDOW_NAMES.length;
    }

    /** Folds the closed interval of {@code second} (epoch seconds) in; seconds must arrive in order, gaps as empty intervals. */
    public void closeSecond(final SparseCounts interval, final long second)
    {
        for (int t = 0; t < tiers.length; t++)
        {
            final Tier tier = tiers[t];
            if (!tier.started)
            {
                tier.started = true;
                tier.partialStart = Math.floorDiv(second, tier.blockSeconds) * tier.blockSeconds;
            }
            tier.partial.add(interval);
            if (Math.floorMod(second + 1, tier.blockSeconds) == 0)
            {
                closeBlock(t, tier, second + 1);
            }
        }
    }

    private void closeBlock(final int tierIndex, final Tier tier, final long nextStart)
    {
        final SparseCounts block = new SparseCounts();
        block.copyFrom(tier.partial);
        tier.push(block, tier.partialStart);
        tier.partial.reset();
        tier.partialStart = nextStart;
        for (int w = 0; w < WINDOW_NAMES.length; w++)
        {
            if (WINDOW_TIER[w] == tierIndex)
            {
                accumulators[w].add(block);
                final SparseCounts leaving = tier.blockAtAge(WINDOW_BLOCKS[w]);
                if (leaving != null)
                {
                    accumulators[w].subtract(leaving);
                }
            }
        }
        tier.evictBeyondKeep();
    }

    /**
     * Places a sample of an already closed second into the blocks (and accumulators) that cover it.
     *
     * @return false when no tier still holds that second: the caller records it into the open interval
     *         and counts it late.
     */
    public boolean recordLate(final long second, final long durationNanos, final boolean error, final long bytes)
    {
        final int index = HistogramLayout.index(durationNanos);
        final long errors = error ? 1 : 0;
        final long payload = bytes > 0 ? bytes : 0;
        boolean placed = false;
        for (int t = 0; t < tiers.length; t++)
        {
            final Tier tier = tiers[t];
            if (!tier.started)
            {
                continue;
            }
            if (second >= tier.partialStart)
            {
                tier.partial.increment(index, 1);
                tier.partial.addScalars(errors, payload, durationNanos);
                placed = true;
                continue;
            }
            final int age = tier.ageOf(second);
            if (age < 0)
            {
                continue;
            }
            final SparseCounts block = tier.blockAtAge(age);
            block.increment(index, 1);
            block.addScalars(errors, payload, durationNanos);
            for (int w = 0; w < WINDOW_NAMES.length; w++)
            {
                if (WINDOW_TIER[w] == t && age < WINDOW_BLOCKS[w])
                {
                    accumulators[w].increment(index, 1);
                    accumulators[w].addScalars(errors, payload, durationNanos);
                }
            }
            placed = true;
        }
        return placed;
    }

    /** Quantiles of window {@code w} into {@code out}; see {@link Quantiles#compute}. */
    public void quantiles(final int w, final double[] quantiles, final long[] out)
    {
        Quantiles.compute(accumulators[w], tiers[WINDOW_TIER[w]].partial, quantiles, out);
    }

    public long count(final int w)
    {
        return accumulators[w].totalCount() + tiers[WINDOW_TIER[w]].partial.totalCount();
    }

    public long errorCount(final int w)
    {
        return accumulators[w].errorCount() + tiers[WINDOW_TIER[w]].partial.errorCount();
    }

    public long payloadBytes(final int w)
    {
        return accumulators[w].payloadBytes() + tiers[WINDOW_TIER[w]].partial.payloadBytes();
    }

    /** Exact mean (from nanosecond sums) of window {@code w}; 0 when empty. */
    public double meanNanos(final int w)
    {
        final long count = count(w);
        return count == 0 ? 0.0 : (double)(accumulators[w].sumNanos() + tiers[WINDOW_TIER[w]].partial.sumNanos()) / count;
    }

    /** Seconds window {@code w} currently spans (closed blocks + partial). */
    public long spanSeconds(final int w, final long nextOpenSecond)
    {
        final Tier tier = tiers[WINDOW_TIER[w]];
        if (!tier.started)
        {
            return 0;
        }
        return (nextOpenSecond - tier.partialStart) + (long)Math.min(tier.size, WINDOW_BLOCKS[w]) * tier.blockSeconds;
    }

    /** Forgets everything (after a gap longer than the longest window). */
    public void clear()
    {
        for (int t = 0; t < tiers.length; t++)
        {
            tiers[t] = new Tier(TIER_BLOCK_SECONDS[t], TIER_KEEP[t]);
        }
        for (final SparseCounts accumulator : accumulators)
        {
            accumulator.reset();
        }
    }

    public long retainedBytes()
    {
        long bytes = 64;
        for (final Tier tier : tiers)
        {
            bytes += tier.retainedBytes();
        }
        for (final SparseCounts accumulator : accumulators)
        {
            bytes += accumulator.retainedBytes();
        }
        return bytes;
    }

    /** One tier: a partial block and a ring of closed blocks, newest at {@code head}. */
    private static final class Tier
    {
        final int blockSeconds;
        final int keep;
        final SparseCounts partial = new SparseCounts();
        /** One slot more than kept: the block leaving the longest accumulator is still there when subtracted. */
        final SparseCounts[] ring;
        final long[] starts;
        int head = -1;
        int size;
        long partialStart;
        boolean started;

        Tier(final int blockSeconds, final int keep)
        {
            this.blockSeconds = blockSeconds;
            this.keep = keep;
            this.ring = new SparseCounts[keep + 1];
            this.starts = new long[keep + 1];
        }

        void push(final SparseCounts block, final long start)
        {
            head = (head + 1) % ring.length;
            ring[head] = block;
            starts[head] = start;
            size = Math.min(size + 1, ring.length);
        }

        /** Block {@code age} blocks back (0 = newest), or null when not held. */
        SparseCounts blockAtAge(final int age)
        {
            if (age >= size)
            {
                return null;
            }
            return ring[Math.floorMod(head - age, ring.length)];
        }

        /** Age of the closed block holding {@code second}, or -1. */
        int ageOf(final long second)
        {
            if (size == 0)
            {
                return -1;
            }
            final long age = (starts[head] - Math.floorDiv(second, blockSeconds) * blockSeconds) / blockSeconds;
            return age >= 0 && age < Math.min(size, keep) ? (int)age : -1;
        }

        void evictBeyondKeep()
        {
            if (size > keep)
            {
                ring[Math.floorMod(head - keep, ring.length)] = null;
                size = keep;
            }
        }

        long retainedBytes()
        {
            long bytes = 64 + ring.length * 12L + partial.retainedBytes();
            for (final SparseCounts block : ring)
            {
                if (block != null)
                {
                    bytes += block.retainedBytes();
                }
            }
            return bytes;
        }
    }
}
