package io.hotpath.daemon.aggregate;

import java.util.Arrays;

/**
 * Histogram counts in {@link HistogramLayout} buckets stored sparsely: the non-zero bucket indexes
 * in ascending order ({@code char}, 2 bytes) and their counts, plus exact scalar sums of the same
 * samples (errors, payload bytes, nanoseconds). The form of closed 1-second intervals and of the
 * partial block windows are built from (closed blocks are then stored as {@link CompactCounts}).
 *
 * <p>Memory is 10 bytes per non-zero bucket, so a 1-second interval of a quiet series costs almost
 * nothing, and a busy 5-minute block a few tens of KB instead of a dense histogram's 270 KB.
 * {@link #add} is a linear merge of the two index lists; quantiles are one walk ({@link Quantiles}). Arrays grow only when a merge needs more room, so steady state allocates
 * nothing.
 *
 * <p>Not thread-safe: owned by the aggregation thread.
 */
public final class SparseCounts extends CountScalars
{
    private static final char[] NO_INDEXES = new char[0];
    private static final long[] NO_COUNTS = new long[0];

    private char[] indexes = NO_INDEXES;
    private long[] counts = NO_COUNTS;
    private int size;

    public int size()
    {
        return size;
    }

    public boolean isEmpty()
    {
        return totalCount == 0;
    }

    /** Bucket index of the {@code i}-th non-zero entry, ascending in {@code i}. */
    public int indexAt(final int i)
    {
        return indexes[i];
    }

    public long countAt(final int i)
    {
        return counts[i];
    }

    /** Exact mean of the samples in nanoseconds (from the scalar sum, not the buckets); 0 when empty. */
    public double meanNanos()
    {
        return totalCount == 0 ? 0.0 : (double)sumNanos / totalCount;
    }

    /** Highest value of the highest non-empty bucket (HdrHistogram's {@code getMaxValue}); 0 when empty. */
    public long maxValue()
    {
        return size == 0 ? 0 : HistogramLayout.highestValue(indexes[size - 1]);
    }

    public void reset()
    {
        size = 0;
        totalCount = 0;
        errorCount = 0;
        payloadBytes = 0;
        sumNanos = 0;
    }

    /** Adds the scalar sums of samples whose buckets are added separately. */
    public void addScalars(final long errors, final long bytes, final long nanos)
    {
        errorCount += errors;
        payloadBytes += bytes;
        sumNanos += nanos;
    }

    /** Adds {@code count} to bucket {@code index} (binary search, insertion when new: for late samples and tests). */
    public void increment(final int index, final long count)
    {
        int position = Arrays.binarySearch(indexes, 0, size, (char)index);
        if (position < 0)
        {
            position = -position - 1;
            ensureCapacity(size + 1);
            System.arraycopy(indexes, position, indexes, position + 1, size - position);
            System.arraycopy(counts, position, counts, position + 1, size - position);
            indexes[position] = (char)index;
            counts[position] = 0;
            size++;
        }
        counts[position] += count;
        totalCount += count;
    }

    /** Records one sample with all its scalars. */
    public void recordSample(final long durationNanos, final boolean error, final long bytes)
    {
        increment(HistogramLayout.index(durationNanos), 1);
        addScalars(error ? 1 : 0, bytes > 0 ? bytes : 0, durationNanos);
    }

    /** Appends an entry whose index is above every present one (builders that emit in order). */
    void append(final int index, final long count)
    {
        ensureCapacity(size + 1);
        indexes[size] = (char)index;
        counts[size] = count;
        size++;
        totalCount += count;
    }

    /** this += other: a backward merge in place when capacity allows, so no temporary arrays. */
    public void add(final SparseCounts other)
    {
        if (other.size == 0)
        {
            addScalars(other.errorCount, other.payloadBytes, other.sumNanos);
            return;
        }
        final int merged = size + other.size;
        if (indexes.length < merged)
        {
            final int capacity = Math.max(merged, size + (size >> 1));
            final char[] newIndexes = new char[capacity];
            final long[] newCounts = new long[capacity];
            final int n = mergeForward(newIndexes, newCounts, other);
            indexes = newIndexes;
            counts = newCounts;
            size = n;
        }
        else
        {
            int i = size - 1;
            int j = other.size - 1;
            int k = merged - 1;
            final char[] otherIndexes = other.indexes;
            final long[] otherCounts = other.counts;
            while (j >= 0)
            {
                if (i >= 0 && indexes[i] > otherIndexes[j])
                {
                    indexes[k] = indexes[i];
                    counts[k--] = counts[i--];
                }
                else if (i >= 0 && indexes[i] == otherIndexes[j])
                {
                    indexes[k] = indexes[i];
                    counts[k--] = counts[i--] + otherCounts[j--];
                }
                else
                {
                    indexes[k] = otherIndexes[j];
                    counts[k--] = otherCounts[j--];
                }
            }
            // Entries [0, i] are already in place; the merged tail starts at k + 1 and may leave a gap.
            final int tailStart = k + 1;
            final int head = i + 1;
            if (tailStart > head)
            {
                System.arraycopy(indexes, tailStart, indexes, head, merged - tailStart);
                System.arraycopy(counts, tailStart, counts, head, merged - tailStart);
            }
            size = head + (merged - tailStart);
        }
        totalCount += other.totalCount;
        addScalars(other.errorCount, other.payloadBytes, other.sumNanos);
    }

    private int mergeForward(final char[] outIndexes, final long[] outCounts, final SparseCounts other)
    {
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < size || j < other.size)
        {
            if (j >= other.size || (i < size && indexes[i] < other.indexes[j]))
            {
                outIndexes[k] = indexes[i];
                outCounts[k++] = counts[i++];
            }
            else if (i >= size || other.indexes[j] < indexes[i])
            {
                outIndexes[k] = other.indexes[j];
                outCounts[k++] = other.counts[j++];
            }
            else
            {
                outIndexes[k] = indexes[i];
                outCounts[k++] = counts[i++] + other.counts[j++];
            }
        }
        return k;
    }

    /** Samples at or below {@code thresholdNanos}, to the bucket precision (the threshold's whole bucket counts). */
    public long countAtOrBelow(final long thresholdNanos)
    {
        final int limit = HistogramLayout.index(thresholdNanos);
        long sum = 0;
        for (int i = 0; i < size && indexes[i] <= limit; i++)
        {
            sum += counts[i];
        }
        return sum;
    }

    /** Heap bytes held by the arrays (for the memory accounting in tests and /health). */
    public long retainedBytes()
    {
        return 16L + indexes.length * 2L + 16L + counts.length * 8L + 64L;
    }

    private void ensureCapacity(final int needed)
    {
        if (indexes.length < needed)
        {
            final int capacity = Math.max(needed, Math.max(8, indexes.length + (indexes.length >> 1)));
            indexes = Arrays.copyOf(indexes, capacity);
            counts = Arrays.copyOf(counts, capacity);
        }
    }
}
