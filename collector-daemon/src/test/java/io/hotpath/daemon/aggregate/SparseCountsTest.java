package io.hotpath.daemon.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Merges against a dense reference: partial blocks are built by {@link SparseCounts#add}. */
class SparseCountsTest
{
    @Test
    void addMergesExactlyAgainstADenseReference()
    {
        final SplittableRandom random = new SplittableRandom(3);
        final long[] dense = new long[HistogramLayout.INDEX_COUNT];
        final SparseCounts accumulator = new SparseCounts();
        final List<SparseCounts> added = new ArrayList<>();
        for (int round = 0; round < 150; round++)
        {
            final SparseCounts block = new SparseCounts();
            final int samples = random.nextInt(0, 300);
            for (int i = 0; i < samples; i++)
            {
                block.recordSample((long)Math.exp(random.nextDouble(0, 22)), random.nextInt(5) == 0, random.nextInt(100));
            }
            accumulator.add(block);
            added.add(block);
            apply(dense, block, +1);
            assertSame(dense, accumulator);
            long errors = 0;
            long sum = 0;
            for (final SparseCounts block2 : added)
            {
                errors += block2.errorCount();
                sum += block2.sumNanos();
            }
            assertEquals(errors, accumulator.errorCount());
            assertEquals(sum, accumulator.sumNanos());
        }
    }

    private static void apply(final long[] dense, final SparseCounts block, final int sign)
    {
        for (int i = 0; i < block.size(); i++)
        {
            dense[block.indexAt(i)] += sign * block.countAt(i);
        }
    }

    private static void assertSame(final long[] dense, final SparseCounts sparse)
    {
        long total = 0;
        int previous = -1;
        for (int i = 0; i < sparse.size(); i++)
        {
            final int index = sparse.indexAt(i);
            assertEquals(true, index > previous, "ascending");
            assertEquals(dense[index], sparse.countAt(i), "bucket " + index);
            total += sparse.countAt(i);
            previous = index;
        }
        long denseTotal = 0;
        int nonZero = 0;
        for (final long count : dense)
        {
            denseTotal += count;
            nonZero += count != 0 ? 1 : 0;
        }
        assertEquals(denseTotal, total);
        assertEquals(denseTotal, sparse.totalCount());
        assertEquals(nonZero, sparse.size());
    }
}
