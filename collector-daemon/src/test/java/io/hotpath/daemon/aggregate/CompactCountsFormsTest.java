package io.hotpath.daemon.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Both block forms ({@link CompactCounts.Form#GAPS} and the Rice-coded {@link CompactCounts.Form#RICE}) round-trip exactly. */
class CompactCountsFormsTest
{
    private final WindowScratch scratch = new WindowScratch();

    /** Encodes {@code counts} (dense, index = position) as a block of {@code form} and decodes it back into a dense array. */
    private long[] roundTrip(final long[] counts, final CompactCounts.Form form)
    {
        scratch.clear();
        long total = 0;
        for (int i = 0; i < counts.length; i++)
        {
            if (counts[i] != 0)
            {
                scratch.addCount(i, counts[i]);
                total += counts[i];
            }
        }
        scratch.addScalars(total, 3, 5, 7);
        final CompactCounts block = scratch.toCompact(form);
        scratch.clear();
        assertEquals(form, block.form());
        assertEquals(total, block.totalCount());
        return decode(block, counts.length);
    }

    private long[] decode(final CompactCounts block, final int length)
    {
        scratch.clear();
        scratch.add(block);
        final long[] decoded = new long[length];
        for (int i = 0; i < length; i++)
        {
            decoded[i] = scratchCount(i);
        }
        scratch.clear();
        return decoded;
    }

    private long scratchCount(final int index)
    {
        return scratch.countAt(index);
    }

    @Test
    void roundTripsFirstAndLastBucketAndCountsBeyondTwoToThe31()
    {
        final long[] counts = new long[HistogramLayout.INDEX_COUNT];
        counts[0] = 1;
        counts[1] = (1L << 31) + 5;
        counts[2] = 1;
        counts[700] = Long.MAX_VALUE / 8;
        counts[701] = 0;
        counts[702] = 3;
        counts[HistogramLayout.INDEX_COUNT - 2] = 1L << 40;
        counts[HistogramLayout.INDEX_COUNT - 1] = 1;
        for (final CompactCounts.Form form : CompactCounts.Form.values())
        {
            assertArrayEquals(counts, roundTrip(counts, form), form.name());
        }
    }

    @Test
    void roundTripsSingleBucketAndEmpty()
    {
        final long[] one = new long[HistogramLayout.INDEX_COUNT];
        one[HistogramLayout.INDEX_COUNT - 1] = 42;
        final long[] first = new long[HistogramLayout.INDEX_COUNT];
        first[0] = 1;
        final long[] escapes = new long[HistogramLayout.INDEX_COUNT];
        escapes[14] = 15;  // skip 14 and count 15: the largest without escapes
        escapes[30] = 16;  // skip 15 and count 16: both nibbles escaped
        for (final CompactCounts.Form form : CompactCounts.Form.values())
        {
            assertArrayEquals(one, roundTrip(one, form), form.name());
            assertArrayEquals(first, roundTrip(first, form), form.name());
            assertArrayEquals(escapes, roundTrip(escapes, form), form.name());

            scratch.clear();
            assertSame(CompactCounts.EMPTY, scratch.toCompact(form), "an empty block is the shared empty block");
            scratch.addScalars(0, 2, 0, 0);
            final CompactCounts scalarsOnly = scratch.toCompact(form);
            scratch.clear();
            assertEquals(2, scalarsOnly.errorCount());
            assertEquals(0, scalarsOnly.entries());
            assertArrayEquals(new long[HistogramLayout.INDEX_COUNT], decode(scalarsOnly, HistogramLayout.INDEX_COUNT));
        }
    }

    @Test
    void roundTripsRandomShapesIncludingLongZeroStretchesAndEscapes()
    {
        final SplittableRandom random = new SplittableRandom(11);
        for (int round = 0; round < 200; round++)
        {
            final long[] counts = new long[HistogramLayout.INDEX_COUNT];
            final int entries = 1 + random.nextInt(3000);
            for (int e = 0; e < entries; e++)
            {
                final int index = random.nextInt(HistogramLayout.INDEX_COUNT);
                switch (random.nextInt(4))
                {
                    case 0 -> counts[index] = 1;
                    case 1 -> counts[index] = 1 + random.nextInt(40);
                    case 2 -> counts[index] = 1 + random.nextLong(1L << 20);
                    default -> counts[index] = 1 + random.nextLong(Long.MAX_VALUE / 4);
                }
            }
            // A dense bell as well: neighbours similar, the case the predictor is built for.
            final int centre = random.nextInt(HistogramLayout.INDEX_COUNT);
            for (int d = -500; d <= 500; d++)
            {
                final int index = centre + d;
                if (index >= 0 && index < counts.length)
                {
                    counts[index] = Math.round(200 * Math.exp(-d * d / 20000.0) * random.nextDouble());
                }
            }
            for (final CompactCounts.Form form : CompactCounts.Form.values())
            {
                assertArrayEquals(counts, roundTrip(counts, form), form.name() + " round " + round);
            }
        }
    }

    @Test
    void isSmallerThanGapsForADenseLatencyBlockAndKeepsQuantilesExact()
    {
        final SplittableRandom random = new SplittableRandom(3);
        final SparseCounts sparse = new SparseCounts();
        for (int i = 0; i < 30_000; i++)
        {
            sparse.recordSample((long)Math.exp(Math.log(1e6) + random.nextGaussian() * 0.7), false, 0);
        }
        scratch.clear();
        scratch.add(sparse);
        final CompactCounts gaps = scratch.toCompact(CompactCounts.Form.GAPS);
        final CompactCounts rice = scratch.toCompact(CompactCounts.Form.RICE);
        scratch.clear();
        assertTrue(rice.retainedBytes() * 3 < gaps.retainedBytes() * 2,
            "rice " + rice.retainedBytes() + " B vs gaps " + gaps.retainedBytes() + " B");
        final long[] expected = new long[Quantiles.REPORTED.length];
        Quantiles.compute(sparse, null, Quantiles.REPORTED, expected);
        scratch.add(rice);
        final long[] actual = new long[Quantiles.REPORTED.length];
        scratch.quantiles(Quantiles.REPORTED, actual);
        scratch.clear();
        assertArrayEquals(expected, actual);

        final SparseCounts late = new SparseCounts();
        late.recordSample(HistogramLayout.MAX_VALUE, true, 9);
        final CompactCounts withLate = rice.plus(late, scratch);
        assertEquals(CompactCounts.Form.RICE, withLate.form());
        assertEquals(rice.totalCount() + 1, withLate.totalCount());
        assertEquals(rice.entries() + 1, withLate.entries());
    }
}
