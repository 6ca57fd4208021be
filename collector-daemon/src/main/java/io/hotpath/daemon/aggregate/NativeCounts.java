package io.hotpath.daemon.aggregate;

import java.util.Arrays;

/**
 * Cumulative counts of one series in native-histogram buckets ({@link NativeHistogramLayout}): a
 * dense array over the range of bucket indexes seen so far (latency series fill a few decades, a
 * few hundred buckets at schema 7), the zero bucket, the total count and the exact sum.
 *
 * <p>Written by the aggregation thread only; readers on that thread (exposition, remote_write)
 * walk it with {@link #spans}.
 */
public final class NativeCounts
{
    /** A gap of more than this many empty buckets starts a new span (each span costs ~2 bytes; an empty bucket 1). */
    private static final int MAX_GAP_IN_SPAN = 2;

    private long[] counts = new long[0];
    private int offset;
    private long zeroCount;
    private long count;
    private long sumNanos;

    /** Adds one interval's HdrHistogram counts. */
    public void add(final SparseCounts interval, final NativeHistogramLayout layout)
    {
        final int n = interval.size();
        if (n == 0)
        {
            return;
        }
        // Native indexes grow with HdrHistogram indexes; only bucket 0 (0 ns) maps to the zero bucket.
        int first = layout.nativeIndex(interval.indexAt(0));
        if (first == NativeHistogramLayout.ZERO_BUCKET)
        {
            first = n > 1 ? layout.nativeIndex(interval.indexAt(1)) : Integer.MAX_VALUE;
        }
        final int last = layout.nativeIndex(interval.indexAt(n - 1));
        if (first != Integer.MAX_VALUE && last != NativeHistogramLayout.ZERO_BUCKET)
        {
            ensureRange(first, last);
        }
        for (int i = 0; i < n; i++)
        {
            final int k = layout.nativeIndex(interval.indexAt(i));
            final long c = interval.countAt(i);
            if (k == NativeHistogramLayout.ZERO_BUCKET)
            {
                zeroCount += c;
            }
            else
            {
                counts[k - offset] += c;
            }
        }
        count += interval.totalCount();
        sumNanos += interval.sumNanos();
    }

    private void ensureRange(final int first, final int last)
    {
        if (counts.length == 0)
        {
            offset = first;
            counts = new long[last - first + 1];
            return;
        }
        final int newOffset = Math.min(offset, first);
        final int newEnd = Math.max(offset + counts.length - 1, last);
        if (newOffset == offset && newEnd == offset + counts.length - 1)
        {
            return;
        }
        final long[] grown = new long[newEnd - newOffset + 1];
        System.arraycopy(counts, 0, grown, offset - newOffset, counts.length);
        counts = grown;
        offset = newOffset;
    }

    public long count()
    {
        return count;
    }

    public long zeroCount()
    {
        return zeroCount;
    }

    public long sumNanos()
    {
        return sumNanos;
    }

    /** Index of the first bucket of the dense range; meaningful when {@link #rangeLength} > 0. */
    public int offset()
    {
        return offset;
    }

    public int rangeLength()
    {
        return counts.length;
    }

    /** Count of native bucket {@code index} (0 outside the range). */
    public long bucket(final int index)
    {
        final int i = index - offset;
        return i < 0 || i >= counts.length ? 0 : counts[i];
    }

    /** Receives the spans and the bucket counts of a native histogram, in Prometheus' order. */
    public interface SpanVisitor
    {
        /** A span of {@code length} buckets, {@code offset} after the previous span's end (the first: absolute index). */
        void span(int offset, int length);

        /** The next bucket's count, in span order (a span may include up to two empty buckets). */
        void bucket(long count);
    }

    /** Walks spans then buckets (two passes, as the formats write them: all spans, then all deltas). */
    public void spans(final SpanVisitor visitor, final boolean buckets)
    {
        int i = 0;
        int previousEnd = 0;
        boolean firstSpan = true;
        while (i < counts.length)
        {
            if (counts[i] == 0)
            {
                i++;
                continue;
            }
            int end = i + 1; // exclusive
            int j = end;
            while (j < counts.length)
            {
                if (counts[j] != 0)
                {
                    end = j + 1;
                    j++;
                }
                else if (j - end < MAX_GAP_IN_SPAN)
                {
                    j++;
                }
                else
                {
                    break;
                }
            }
            if (buckets)
            {
                for (int b = i; b < end; b++)
                {
                    visitor.bucket(counts[b]);
                }
            }
            else
            {
                visitor.span(firstSpan ? offset + i : i - previousEnd, end - i);
            }
            firstSpan = false;
            previousEnd = end;
            i = end;
        }
    }

    /** Heap held, bytes. */
    public long retainedBytes()
    {
        return 48 + 16 + counts.length * 8L;
    }

    /** Restores a checkpointed state. */
    public void restore(final int offset, final long[] counts, final long zeroCount, final long count, final long sumNanos)
    {
        this.offset = offset;
        this.counts = Arrays.copyOf(counts, counts.length);
        this.zeroCount = zeroCount;
        this.count = count;
        this.sumNanos = sumNanos;
    }

    /** The dense counts (a copy), index {@link #offset} first. */
    public long[] countsCopy()
    {
        return counts.clone();
    }
}
