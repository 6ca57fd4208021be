package io.hotpath.agent.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DrainPacerTest
{
    private static final long MS = 1_000_000L;
    /** An epoch offset that puts nanoTime 0 at the start of a wall-clock second. */
    private static final long OFFSET = 1_700_000_000L * 1_000_000_000L;

    @Test
    void anEmptyRingBacksOffFromOneMillisecondToFourTimesTheMaximum()
    {
        final DrainPacer pacer = new DrainPacer(MS, 50 * MS, 4 << 20, 64);
        long now = 0;
        long park = 0;
        for (int i = 0; i < 20; i++)
        {
            park = pacer.afterRead(now, 0, false, 0, OFFSET);
            if (i == 0)
            {
                assertEquals(MS, park);
            }
            now += park;
        }
        assertEquals(DrainPacer.IDLE_FACTOR * 50 * MS, park);
    }

    @Test
    void aFullBatchIsReadAgainAtOnce()
    {
        final DrainPacer pacer = new DrainPacer(MS, 50 * MS, 4 << 20, 64);
        pacer.afterRead(0, 0, false, 0, OFFSET);
        assertEquals(0, pacer.afterRead(10 * MS, 4096, true, 1 << 20, OFFSET));
    }

    @Test
    void aLowRateWaitsLongerForOneBiggerDocumentAsFarAsABurstWouldFit()
    {
        final DrainPacer pacer = new DrainPacer(MS, 50 * MS, 4 << 20, 64);
        pacer.afterRead(0, 0, false, 0, OFFSET);
        // 1,000 samples/s: a stripe of 4 MiB holds 65,536 records; a burst of 250 k/s fills half of them in 131 ms
        final long park = pacer.afterRead(50 * MS, 50, false, 0, OFFSET);
        assertEquals(131 * MS, park, MS);
        // a small stripe (1 MiB, 16,384 records: a burst fills half in 33 ms) keeps the maximum
        final DrainPacer small = new DrainPacer(MS, 50 * MS, 1 << 20, 64);
        small.afterRead(0, 0, false, 0, OFFSET);
        assertEquals(50 * MS, small.afterRead(50 * MS, 50, false, 0, OFFSET));
        // a big one (16 MiB) waits at most four times the maximum
        final DrainPacer big = new DrainPacer(MS, 50 * MS, 16 << 20, 64);
        big.afterRead(0, 0, false, 0, OFFSET);
        assertEquals(DrainPacer.IDLE_FACTOR * 50 * MS, big.afterRead(50 * MS, 50, false, 0, OFFSET));
    }

    @Test
    void aHighRateSleepsOnlyWhileAQuarterOfTheFreeRoomFills()
    {
        final DrainPacer pacer = new DrainPacer(MS, 50 * MS, 1 << 20, 64);
        pacer.afterRead(0, 0, false, 0, OFFSET);
        // 2,000 samples in 1 ms = 2 M/s; a 1 MiB stripe holds 16,384 records: a quarter is 4,096 = ~2 ms
        final long park = pacer.afterRead(MS, 2000, false, 0, OFFSET);
        assertTrue(park >= MS && park <= 3 * MS, "park " + park);
        // a rate that falls is believed only gradually: the next sleep is still short
        final long next = pacer.afterRead(MS + park, 10, false, 0, OFFSET);
        assertTrue(next <= 5 * MS, "park " + next);
    }

    @Test
    void whileSamplesArriveItReadsJustBeforeTheSecondEnds()
    {
        final DrainPacer pacer = new DrainPacer(MS, 50 * MS, 4 << 20, 64);
        pacer.afterRead(960 * MS, 0, false, 0, OFFSET);
        final long park = pacer.afterRead(980 * MS, 20, false, 0, OFFSET);
        assertEquals(1000 * MS - DrainPacer.LEAD_NANOS - 980 * MS, park);
        assertEquals(50 * MS, DrainPacer.untilSecondEnds(1000 * MS - DrainPacer.LEAD_NANOS + 1, 50 * MS, OFFSET));
    }
}
