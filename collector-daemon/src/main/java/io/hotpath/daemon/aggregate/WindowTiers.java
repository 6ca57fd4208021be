package io.hotpath.daemon.aggregate;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rolling windows of one series, built from closed 1-second intervals in tiers of compact blocks,
 * so that window quantiles come from summed bucket counts (exact to the histogram's precision),
 * never from averaged percentiles.
 *
 * <pre>
 *  closed 1 s interval ─encode─► partial (current 10 s: its seconds, GAPS blocks)
 *     every 10 s: partial ─sum─► ring0: last  6 blocks of 10 s  (CompactCounts, GAPS form)
 *     every  1 m: 6 ring0 blocks ─sum─► ring1: last  5 blocks of 1 m (RICE form)
 *     every  5 m: 5 ring1 blocks ─sum─► ring2: last 12 blocks of 5 m (RICE form)
 *
 *  1m  = ring0[6]  + partial                                                       60 –  69 s
 *  5m  = ring1[5]  + ring0 blocks of the current minute + partial                  300 – 359 s
 *  15m = ring2[3]  + ring1 blocks of the current 5 min + ring0 (minute) + partial  900 – 1199 s
 *  1h  = ring2[12] + the same sub-5-minute parts                                   3600 – 3899 s
 * </pre>
 *
 * A window is a sum of disjoint blocks, computed in a {@link WindowScratch} when it is refreshed:
 * 1m every second, 5m every 5 s, 15m every 15 s, 1h every 60 s (a series' refreshes are spread over
 * those periods by its {@code stagger}; all of them after the first second), so long windows cost little per second and no standing
 * accumulator has to be kept. Between refreshes a window reports its last computed values, which
 * {@link #spanSeconds} describes.
 *
 * <p>Memory: the partial block as up to 10 small 1 s blocks (a sparse 10 s sum would keep 10 bytes
 * per occupied bucket, about as much as the six 10 s blocks together) plus 23 compact blocks. The 10 s blocks, summed
 * into the 1m window every second (through their sum, one more block kept until the next 10 s boundary), are in the
 * gaps form (decoding cost per occupied bucket, about a byte each); the minute and 5-minute blocks, 17 of the 23 and most of the heap, are Rice-coded
 * (under a byte per occupied bucket), decoded only every 5 s or less often.
 *
 * <p>Late samples (of an already closed second) are added to every block that holds their second
 * ({@link #recordLate}): at the next second's close, to the partial as one more small block and to closed blocks
 * (collected per block, so a backlog costs one re-encoding per block and second, not per sample).
 * A window shows them from its next refresh.
 *
 * <p>Not thread-safe: owned by the aggregation thread.
 */
public final class WindowTiers
{
    /** Window names as they appear in {@code window="…"}. */
    public static final String[] WINDOW_NAMES = { "1m", "5m", "15m", "1h" };
    /** Seconds between refreshes of each window. */
    static final int[] REFRESH_SECONDS = { 1, 5, 15, 60 };
    private static final int BLOCK_SECONDS_0 = 10;
    private static final int[] BLOCK_SECONDS = { BLOCK_SECONDS_0, 60, 300 };
    private static final int[] KEEP = { 6, 5, 12 };

    /** How far back a late sample can still land in a block of its own second. */
    public static final int HORIZON_SECONDS = BLOCK_SECONDS[2] * KEEP[2];

    /** The current 10 s block: one small block per closed second, plus late additions; summed when the block closes. */
    private CompactCounts[] partial = new CompactCounts[BLOCK_SECONDS_0];
    private int partialSize;
    /** Late samples for closed blocks, by the start of their 10 s block, merged into the blocks at the next second's close. */
    private final TreeMap<Long, SparseCounts> pendingLate = new TreeMap<>();
    private long partialStart;
    private boolean started;
    private final BlockRing[] rings = { new BlockRing(KEEP[0]), new BlockRing(KEEP[1]), new BlockRing(KEEP[2]) };
    /**
     * The 1m window's closed part (the newest 10 s blocks) summed into one block, kept from one 10 s boundary to
     * the next: the window refreshed every second then decodes it and the partial instead of six blocks (a steady
     * series' blocks share most buckets: about a sixth of the entries). Null when ring0 changed (a push, late
     * samples, a clear): summed again at the next refresh. Sums of counts, so the window is the same.
     */
    private CompactCounts minuteBlocks;
    private long minuteBlocksStart;
    private final int stagger;

    // Last computed window values.
    private final long[][] quantiles = new long[WINDOW_NAMES.length][Quantiles.REPORTED.length];
    private final long[] counts = new long[WINDOW_NAMES.length];
    private final long[] errors = new long[WINDOW_NAMES.length];
    private final long[] bytes = new long[WINDOW_NAMES.length];
    private final long[] sums = new long[WINDOW_NAMES.length];
    private final long[] spans = new long[WINDOW_NAMES.length];

    /** @param stagger spreads this series' window refreshes over the refresh periods (any int). */
    public WindowTiers(final int stagger)
    {
        this.stagger = stagger & 0x7FFF_FFFF;
    }

    public static int windowCount()
    {
        return WINDOW_NAMES.length;
    }

    /**
     * Folds the closed interval of {@code second} in, closes blocks at their boundaries and refreshes
     * the windows that are due. Seconds must arrive in order, gaps as empty intervals.
     */
    public void closeSecond(final SparseCounts interval, final long second, final WindowScratch scratch)
    {
        final boolean first = !started;
        if (first)
        {
            started = true;
            partialStart = Math.floorDiv(second, BLOCK_SECONDS[0]) * BLOCK_SECONDS[0];
        }
        if (!pendingLate.isEmpty())
        {
            applyPendingLate(scratch);
        }
        if (!interval.isEmpty())
        {
            addToPartial(scratch.encode(interval));
        }
        final long next = second + 1;
        if (Math.floorMod(next, BLOCK_SECONDS[0]) == 0)
        {
            scratch.clear();
            addPartialTo(scratch);
            rings[0].push(scratch.toCompact(CompactCounts.Form.GAPS), partialStart);
            minuteBlocks = null;
            scratch.clear();
            clearPartial();
            partialStart = next;
            for (int t = 1; t < rings.length; t++)
            {
                if (Math.floorMod(next, BLOCK_SECONDS[t]) != 0)
                {
                    break;
                }
                final long blockStart = next - BLOCK_SECONDS[t];
                scratch.clear();
                rings[t - 1].addBlocksSince(blockStart, scratch);
                rings[t].push(scratch.toCompact(CompactCounts.Form.RICE), blockStart);
                scratch.clear();
            }
        }
        for (int w = 0; w < WINDOW_NAMES.length; w++)
        {
            if (first || Math.floorMod(next + stagger, REFRESH_SECONDS[w]) == 0)
            {
                refresh(w, next, scratch);
            }
        }
    }

    /** Recomputes every window now (restart, tests). */
    public void refreshAll(final long nextOpenSecond, final WindowScratch scratch)
    {
        if (!pendingLate.isEmpty())
        {
            applyPendingLate(scratch);
        }
        for (int w = 0; w < WINDOW_NAMES.length; w++)
        {
            refresh(w, nextOpenSecond, scratch);
        }
    }

    private void refresh(final int w, final long nextOpenSecond, final WindowScratch scratch)
    {
        scratch.clear();
        if (started)
        {
            addPartialTo(scratch);
            long from = partialStart;
            if (w == 0)
            {
                if (minuteBlocks == null)
                {
                    // the partial is in the scratch already: sum the blocks in a second pass of the same scratch
                    sumMinuteBlocks(scratch);
                }
                scratch.add(minuteBlocks);
                from = Math.min(from, minuteBlocksStart);
            }
            else
            {
                final long minuteStart = Math.floorDiv(partialStart, BLOCK_SECONDS[1]) * BLOCK_SECONDS[1];
                from = Math.min(from, rings[0].addBlocksSinceReturningStart(minuteStart, scratch, from));
                if (w == 1)
                {
                    from = rings[1].addNewest(5, scratch, from);
                }
                else
                {
                    final long fiveStart = Math.floorDiv(partialStart, BLOCK_SECONDS[2]) * BLOCK_SECONDS[2];
                    from = Math.min(from, rings[1].addBlocksSinceReturningStart(fiveStart, scratch, from));
                    from = rings[2].addNewest(w == 2 ? 3 : 12, scratch, from);
                }
            }
            spans[w] = nextOpenSecond - from;
        }
        else
        {
            spans[w] = 0;
        }
        counts[w] = scratch.totalCount();
        errors[w] = scratch.errorCount();
        bytes[w] = scratch.payloadBytes();
        sums[w] = scratch.sumNanos();
        scratch.quantiles(Quantiles.REPORTED, quantiles[w]);
        scratch.clear();
    }

    /** Sums ring0's newest blocks into {@link #minuteBlocks}; leaves {@code scratch} holding the partial again. */
    private void sumMinuteBlocks(final WindowScratch scratch)
    {
        scratch.clear();
        minuteBlocksStart = rings[0].addNewest(KEEP[0], scratch, Long.MAX_VALUE);
        minuteBlocks = scratch.toCompact(CompactCounts.Form.GAPS);
        scratch.clear();
        addPartialTo(scratch);
    }

    /**
     * Places a sample of an already closed second into the partial and every block holding that second.
     *
     * @return false when nothing holds that second any more: the caller records it into the open
     *         interval and counts it late.
     */
    public boolean recordLate(final long second, final long durationNanos, final boolean error, final long payload,
        final WindowScratch scratch)
    {
        if (!started)
        {
            return false;
        }
        final long errorCount = error ? 1 : 0;
        final long bytesCount = payload > 0 ? payload : 0;
        boolean held = second >= partialStart;
        for (int t = 0; t < rings.length && !held; t++)
        {
            held = rings[t].holds(second, BLOCK_SECONDS[t]);
        }
        if (!held)
        {
            return false;
        }
        // Re-encoding a compact block per sample would make catching up quadratic: collect per block instead.
        final long blockStart = Math.floorDiv(second, BLOCK_SECONDS[0]) * BLOCK_SECONDS[0];
        SparseCounts pending = pendingLate.get(blockStart);
        if (pending == null)
        {
            pending = new SparseCounts();
            pendingLate.put(blockStart, pending);
        }
        pending.increment(HistogramLayout.index(durationNanos), 1);
        pending.addScalars(errorCount, bytesCount, durationNanos);
        return true;
    }

    private void applyPendingLate(final WindowScratch scratch)
    {
        for (final Map.Entry<Long, SparseCounts> entry : pendingLate.entrySet())
        {
            if (entry.getKey() >= partialStart)
            {
                addToPartial(scratch.encode(entry.getValue()));
                continue;
            }
            for (int t = 0; t < rings.length; t++)
            {
                rings[t].addToBlockHolding(entry.getKey(), BLOCK_SECONDS[t], entry.getValue(), scratch);
            }
            minuteBlocks = null;
        }
        pendingLate.clear();
    }

    private void addToPartial(final CompactCounts second)
    {
        if (partialSize == partial.length)
        {
            partial = Arrays.copyOf(partial, partialSize * 2);
        }
        partial[partialSize++] = second;
    }

    private void addPartialTo(final WindowScratch scratch)
    {
        for (int i = 0; i < partialSize; i++)
        {
            scratch.add(partial[i]);
        }
    }

    private void clearPartial()
    {
        Arrays.fill(partial, 0, partialSize, null);
        partialSize = 0;
    }

    /** Quantiles of window {@code w} as last computed ({@link Quantiles#REPORTED} order). */
    public long[] quantiles(final int w)
    {
        return quantiles[w];
    }

    public long count(final int w)
    {
        return counts[w];
    }

    public long errorCount(final int w)
    {
        return errors[w];
    }

    public long payloadBytes(final int w)
    {
        return bytes[w];
    }

    /** Exact mean (from nanosecond sums); 0 when empty. */
    public double meanNanos(final int w)
    {
        return counts[w] == 0 ? 0.0 : (double)sums[w] / counts[w];
    }

    /** Seconds the last computed value of window {@code w} covered. */
    public long spanSeconds(final int w)
    {
        return spans[w];
    }

    /** Forgets everything (after a gap longer than the longest window). */
    public void clear()
    {
        clearPartial();
        pendingLate.clear();
        minuteBlocks = null;
        started = false;
        for (final BlockRing ring : rings)
        {
            ring.clear();
        }
        for (int w = 0; w < WINDOW_NAMES.length; w++)
        {
            Arrays.fill(quantiles[w], 0);
            counts[w] = 0;
            errors[w] = 0;
            bytes[w] = 0;
            sums[w] = 0;
            spans[w] = 0;
        }
    }

    public long retainedBytes()
    {
        long total = 200 + 16 + partial.length * 4L + WINDOW_NAMES.length * (16 + Quantiles.REPORTED.length * 8L) + 5 * 48;
        for (int i = 0; i < partialSize; i++)
        {
            total += partial[i].retainedBytes();
        }
        for (final BlockRing ring : rings)
        {
            total += ring.retainedBytes();
        }
        if (minuteBlocks != null)
        {
            total += minuteBlocks.retainedBytes();
        }
        return total;
    }
}
