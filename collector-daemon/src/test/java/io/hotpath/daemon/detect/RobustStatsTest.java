package io.hotpath.daemon.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class RobustStatsTest
{
    @Test
    void medianMatchesSortingForOddEvenAndDuplicateHeavyInputs()
    {
        final Random random = new Random(42);
        for (int trial = 0; trial < 2000; trial++)
        {
            final int length = 1 + random.nextInt(40);
            final double[] values = new double[length];
            for (int i = 0; i < length; i++)
            {
                // Few distinct values half the time: the constant-window case of error ratios.
                values[i] = trial % 2 == 0 ? random.nextInt(3) : random.nextGaussian();
            }
            final double[] sorted = values.clone();
            Arrays.sort(sorted);
            final double expected = length % 2 == 1
                ? sorted[length / 2]
                : (sorted[length / 2 - 1] + sorted[length / 2]) / 2.0;
            assertEquals(expected, RobustStats.median(values.clone(), length), 0.0, Arrays.toString(values));
        }
    }

    @Test
    void madOfAKnownSample()
    {
        // median 3; deviations 2 1 0 1 2 6 -> sorted 0 1 1 2 2 6 -> MAD (1 + 2) / 2 = 1.5
        final double[] values = {1, 2, 3, 4, 5, 9};
        final double median = RobustStats.median(values.clone(), values.length);
        assertEquals(3.5, median, 0.0);
        final double[] again = {1, 2, 3, 4, 5};
        assertEquals(1.0, RobustStats.mad(again, again.length, 3.0), 0.0);
        assertEquals(1.5, RobustStats.mad(new double[] {1, 2, 3, 4, 5, 9}, 6, 3.0), 0.0);
    }

    @Test
    void sortedWindowAgreesWithQuickselectAsValuesComeAndGo()
    {
        final Random random = new Random(43);
        for (final int capacity : new int[] {1, 2, 5, 60, 121})
        {
            final SortedWindow window = new SortedWindow(capacity);
            final FloatWindow plain = new FloatWindow(capacity);
            for (int i = 0; i < 1000; i++)
            {
                final double value = i % 3 == 0 ? random.nextInt(4) : random.nextGaussian() * 10;
                window.add(value);
                plain.add(value);
                final double[] copy = new double[plain.size()];
                plain.copyRecent(0, plain.size(), copy);
                final double median = RobustStats.median(copy.clone(), copy.length);
                assertEquals(median, window.median(), 0.0, "median, capacity " + capacity + ", step " + i);
                assertEquals(RobustStats.mad(copy, copy.length, median), window.mad(median), 1e-12,
                    "MAD, capacity " + capacity + ", step " + i);
            }
        }
    }
}
