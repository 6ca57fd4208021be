package io.hotpath.daemon.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CompactCountsTest
{
    @Test
    void encodesAndDecodesEveryIndexAndLargeCountsExactly()
    {
        final SplittableRandom random = new SplittableRandom(9);
        final SparseCounts sparse = new SparseCounts();
        sparse.increment(0, 1);
        sparse.increment(HistogramLayout.INDEX_COUNT - 1, Long.MAX_VALUE / 4);
        for (int i = 0; i < 3000; i++)
        {
            sparse.increment(random.nextInt(HistogramLayout.INDEX_COUNT), 1 + random.nextInt(1 << 20));
        }
        sparse.addScalars(5, 77, 123_456_789L);
        final WindowScratch scratch = new WindowScratch();
        final CompactCounts compact = scratch.encode(sparse);
        assertEquals(sparse.size(), compact.entries());
        assertTrue(compact.retainedBytes() < sparse.size() * 5L, "compact: " + compact.retainedBytes() + " bytes for " + sparse.size());
        scratch.clear();
        scratch.add(compact);
        final long[] fromCompact = new long[Quantiles.REPORTED.length];
        scratch.quantiles(Quantiles.REPORTED, fromCompact);
        final long[] fromSparse = new long[Quantiles.REPORTED.length];
        Quantiles.compute(sparse, null, Quantiles.REPORTED, fromSparse);
        assertArrayEquals(fromSparse, fromCompact);
        assertEquals(sparse.totalCount(), scratch.totalCount());
        assertEquals(5, scratch.errorCount());
        assertEquals(77, scratch.payloadBytes());
        final CompactCounts again = scratch.toCompact();
        assertEquals(compact.retainedBytes(), again.retainedBytes());
        final SparseCounts late = new SparseCounts();
        late.recordSample(42, true, 10);
        final CompactCounts incremented = again.plus(late, scratch);
        assertEquals(again.totalCount() + 1, incremented.totalCount());
        assertEquals(6, incremented.errorCount());
        assertEquals(0, scratch.totalCount(), "scratch left clear");
    }
}
