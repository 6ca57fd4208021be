package io.hotpath.daemon.detect;

/**
 * Median and median absolute deviation over a scratch copy, by quickselect (expected linear time),
 * so a 120-point window costs a few hundred comparisons per second rather than a sort.
 */
final class RobustStats
{
    /** MAD times this estimates the standard deviation of normally distributed data. */
    static final double MAD_TO_SIGMA = 1.4826;

    /**
     * One scratch array per thread rather than one per detector: detectors run on one thread (the
     * aggregation thread, or the backtest), and a per-detector copy would be most of their memory.
     */
    private static final ThreadLocal<double[]> SCRATCH = ThreadLocal.withInitial(() -> new double[256]);

    private RobustStats()
    {
    }

    /** A scratch array of at least {@code length} values, for the calling thread only; valid until its next call. */
    static double[] scratch(final int length)
    {
        double[] scratch = SCRATCH.get();
        if (scratch.length < length)
        {
            scratch = new double[Math.max(length, scratch.length * 2)];
            SCRATCH.set(scratch);
        }
        return scratch;
    }

    /** Median of {@code values[0, length)}; reorders the array. */
    static double median(final double[] values, final int length)
    {
        if (length == 0)
        {
            return Double.NaN;
        }
        final int middle = length >>> 1;
        final double upper = select(values, 0, length - 1, middle);
        if ((length & 1) == 1)
        {
            return upper;
        }
        // After selecting the middle, the lower half holds everything below it: its maximum is the other middle.
        double lower = values[0];
        for (int i = 1; i < middle; i++)
        {
            lower = Math.max(lower, values[i]);
        }
        return (lower + upper) / 2.0;
    }

    /** Median absolute deviation from {@code center}; overwrites {@code values[0, length)}. */
    static double mad(final double[] values, final int length, final double center)
    {
        for (int i = 0; i < length; i++)
        {
            values[i] = Math.abs(values[i] - center);
        }
        return median(values, length);
    }

    private static double select(final double[] values, int left, int right, final int k)
    {
        while (left < right)
        {
            // Median of three as pivot: sorted or constant windows (common: error ratio 0) stay linear.
            final int mid = (left + right) >>> 1;
            final double pivot = medianOf3(values[left], values[mid], values[right]);
            int i = left;
            int j = right;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }
                while (values[j] > pivot)
                {
                    j--;
                }
                if (i <= j)
                {
                    final double swap = values[i];
                    values[i] = values[j];
                    values[j] = swap;
                    i++;
                    j--;
                }
            }
            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                return values[k];
            }
        }
        return values[k];
    }

    private static double medianOf3(final double a, final double b, final double c)
    {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
}
