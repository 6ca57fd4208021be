package io.hotpath.daemon.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HistogramLayoutTest
{
    private final Histogram reference = new Histogram(1, HistogramLayout.MAX_VALUE, 3);

    @Test
    void bucketEdgesMatchHdrHistogramForEveryMagnitude()
    {
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++)
        {
            final int bits = random.nextInt(1, 42);
            final long value = Math.min(HistogramLayout.MAX_VALUE, random.nextLong(1L << bits));
            final int index = HistogramLayout.index(value);
            assertEquals(reference.lowestEquivalentValue(value), HistogramLayout.lowestValue(index), "lowest of " + value);
            assertEquals(reference.highestEquivalentValue(value), HistogramLayout.highestValue(index), "highest of " + value);
            assertEquals(reference.medianEquivalentValue(value), HistogramLayout.medianValue(index), "median of " + value);
        }
    }

    @Test
    void indexesAreDenseAscendingAndFitAChar()
    {
        int previous = -1;
        for (int index = 0; index < HistogramLayout.INDEX_COUNT; index++)
        {
            final long low = HistogramLayout.lowestValue(index);
            if (low > HistogramLayout.MAX_VALUE)
            {
                break;
            }
            assertEquals(index, HistogramLayout.index(low));
            assertEquals(index, HistogramLayout.index(HistogramLayout.highestValue(index)));
            assertTrue(index > previous);
            previous = index;
        }
        assertTrue(HistogramLayout.INDEX_COUNT <= Character.MAX_VALUE + 1);
        assertEquals(HistogramLayout.index(HistogramLayout.MAX_VALUE), HistogramLayout.index(Long.MAX_VALUE), "clamped");
        assertEquals(0, HistogramLayout.index(-5));
    }
}
