package io.hotpath.daemon.detect;

import java.util.Arrays;

/**
 * The last {@code capacity} values, kept both in arrival order (to know which one leaves) and
 * sorted (to read the median at once and the MAD in one half-pass). Adding costs two binary searches
 * and two short array moves: for a 120-value window a fraction of the quickselects it replaces,
 * which matters at ten thousand series, every second. Floats, as {@link FloatWindow}.
 */
final class SortedWindow
{
    private final float[] arrival;
    private final float[] sorted;
    private int next;
    private int size;

    SortedWindow(final int capacity)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
        }
        arrival = new float[capacity];
        sorted = new float[capacity];
    }

    void add(final double value)
    {
        final float v = (float)value;
        if (size == arrival.length)
        {
            remove(arrival[next]);
        }
        arrival[next] = v;
        next = next + 1 == arrival.length ? 0 : next + 1;
        int at = Arrays.binarySearch(sorted, 0, size, v);
        if (at < 0)
        {
            at = -at - 1;
        }
        System.arraycopy(sorted, at, sorted, at + 1, size - at);
        sorted[at] = v;
        size++;
    }

    private void remove(final float v)
    {
        final int at = Arrays.binarySearch(sorted, 0, size, v);
        System.arraycopy(sorted, at + 1, sorted, at, size - at - 1);
        size--;
    }

    int size()
    {
        return size;
    }

    double median()
    {
        if (size == 0)
        {
            return Double.NaN;
        }
        final int middle = size >>> 1;
        return (size & 1) == 1 ? sorted[middle] : ((double)sorted[middle - 1] + sorted[middle]) / 2.0;
    }

    /**
     * Median absolute deviation from {@code center}: the distances to the left and to the right of
     * {@code center} are each sorted already, so merging them up to the middle finds their median.
     */
    double mad(final double center)
    {
        if (size == 0)
        {
            return Double.NaN;
        }
        int right = 0;
        while (right < size && sorted[right] <= center)
        {
            right++;
        }
        int left = right - 1;
        final int upper = size >>> 1;
        final int lower = (size & 1) == 1 ? upper : upper - 1;
        double lowerValue = 0;
        for (int k = 0; k <= upper; k++)
        {
            final double leftDistance = left >= 0 ? center - sorted[left] : Double.POSITIVE_INFINITY;
            final double rightDistance = right < size ? sorted[right] - center : Double.POSITIVE_INFINITY;
            final double distance;
            if (leftDistance <= rightDistance)
            {
                distance = leftDistance;
                left--;
            }
            else
            {
                distance = rightDistance;
                right++;
            }
            if (k == lower)
            {
                lowerValue = distance;
            }
            if (k == upper)
            {
                return (lowerValue + distance) / 2.0;
            }
        }
        throw new IllegalStateException("unreachable");
    }
}
