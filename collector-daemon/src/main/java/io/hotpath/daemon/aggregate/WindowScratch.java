package io.hotpath.daemon.aggregate;

import java.util.Arrays;

/**
 * A dense count array over the whole {@link HistogramLayout} (270 KB), one per aggregation thread,
 * where blocks are summed to answer a window or to form a coarser block: adding is a random-access
 * increment per stored entry, a quantile walk covers only the touched index range, and clearing
 * resets only that range. This is what lets stored blocks stay compact and windows need no
 * standing accumulators.
 *
 * <p>Not thread-safe: owned by the aggregation thread.
 */
public final class WindowScratch extends CountScalars
{
    private final long[] counts = new long[HistogramLayout.INDEX_COUNT];
    private final CompactCounts.Encoder encoder = new CompactCounts.Encoder();
    private int low = Integer.MAX_VALUE;
    private int high = -1;

    void addCount(final int index, final long count)
    {
        counts[index] += count;
        if (index < low)
        {
            low = index;
        }
        if (index > high)
        {
            high = index;
        }
    }

    /** The summed count of bucket {@code index} (tests). */
    long countAt(final int index)
    {
        return counts[index];
    }

    void addScalars(final long total, final long errors, final long bytes, final long nanos)
    {
        totalCount += total;
        errorCount += errors;
        payloadBytes += bytes;
        sumNanos += nanos;
    }

    public void add(final SparseCounts sparse)
    {
        for (int i = 0, n = sparse.size(); i < n; i++)
        {
            addCount(sparse.indexAt(i), sparse.countAt(i));
        }
        addScalars(sparse.totalCount(), sparse.errorCount(), sparse.payloadBytes(), sparse.sumNanos());
    }

    public void add(final CompactCounts compact)
    {
        compact.addTo(this);
    }

    /** Same contract and rounding as {@link Quantiles#compute}. */
    public void quantiles(final double[] quantiles, final long[] out)
    {
        if (Quantiles.zerosWhenEmpty(totalCount, quantiles, out))
        {
            return;
        }
        int q = 0;
        long target = Quantiles.target(quantiles, 0, totalCount);
        long running = 0;
        for (int index = low; index <= high; index++)
        {
            running += counts[index];
            if (running >= target)
            {
                q = Quantiles.reached(quantiles, q, totalCount, running, index, out);
                if (q == quantiles.length)
                {
                    return;
                }
                target = Quantiles.target(quantiles, q, totalCount);
            }
        }
        throw new IllegalStateException("bucket counts sum below their total " + totalCount);
    }

    /** Encodes the current sum as a {@link CompactCounts.Form#GAPS} block. */
    CompactCounts toCompact()
    {
        return toCompact(CompactCounts.Form.GAPS);
    }

    /** Encodes the current sum as a block of the given form. */
    CompactCounts toCompact(final CompactCounts.Form form)
    {
        encoder.reset(form);
        for (int index = low; index <= high; index++)
        {
            if (counts[index] != 0)
            {
                encoder.add(index, counts[index]);
            }
        }
        return encoder.finish(totalCount, errorCount, payloadBytes, sumNanos);
    }

    CompactCounts encode(final SparseCounts sparse)
    {
        return CompactCounts.of(sparse, encoder);
    }

    public void clear()
    {
        if (high >= low)
        {
            Arrays.fill(counts, low, high + 1, 0L);
        }
        low = Integer.MAX_VALUE;
        high = -1;
        totalCount = 0;
        errorCount = 0;
        payloadBytes = 0;
        sumNanos = 0;
    }
}
