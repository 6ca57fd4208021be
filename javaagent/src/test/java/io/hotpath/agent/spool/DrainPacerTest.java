package io.hotpath.agent.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DrainPacerTest
{
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1000 * MS;
    /** An epoch offset that puts nanoTime 0 at the start of a wall-clock second. */
    private static final long OFFSET = 1_700_000_000L * 1_000_000_000L;
    private static final int STRIPE = 4 << 20;
    /** A full batch of 4,096 compact records. */
    private static final long HOLD = 4096L * 32;

    private static DrainPacer pacer(final int stripeBytes)
    {
        return new DrainPacer(MS, 50 * MS, 500 * MS, stripeBytes, 64, HOLD);
    }

    @Test
    void anEmptyRingBacksOffFromOneMillisecondToFourTimesTheMaximum()
    {
        final DrainPacer pacer = pacer(STRIPE);
        long now = 0;
        long park = 0;
        for (int i = 0; i < 20; i++)
        {
            assertFalse(pacer.writeDue(now, 0, 0, OFFSET));
            park = pacer.afterWake(now, false, 0, false, 0, 0, OFFSET);
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
        final DrainPacer pacer = pacer(STRIPE);
        pacer.afterWake(0, false, 0, false, 0, 0, OFFSET);
        assertTrue(pacer.writeDue(600 * MS, 1 << 20, 1 << 20, OFFSET));
        assertEquals(0, pacer.afterWake(600 * MS, true, HOLD, true, (1 << 20) - HOLD, (1 << 20) - HOLD, OFFSET));
        // what the full read left has waited as long: written too
        assertTrue(pacer.writeDue(600 * MS, 100, 100, OFFSET));
    }

    @Test
    void aLowRateLooksAsOftenAsABurstCouldFillThreeQuartersOfTheFreeRoom()
    {
        final DrainPacer pacer = pacer(STRIPE);
        pacer.afterWake(0, false, 0, false, 0, 0, OFFSET);
        // 1,000 samples/s (32 KB/s): a stripe of 4 MiB holds 65,536 records of 64 B; a burst of 250 k/s fills 3/4 of them in 196 ms
        assertFalse(pacer.writeDue(50 * MS, 1600, 1600, OFFSET), "a few samples mid-second are held");
        final long park = pacer.afterWake(50 * MS, false, 0, false, 1600, 1600, OFFSET);
        // 945 ms to the pre-boundary write: 5 looks of 189 ms, the last one on it
        assertEquals(945 * MS / 5, park, MS);
        // written at the end of the second: the next look is the full 196 ms away
        assertEquals(196 * MS, pacer.afterWake(SECOND - DrainPacer.LEAD_NANOS, true, 30_000, false, 0, 0, OFFSET), MS);
        // a small stripe (1 MiB, 16,384 records: a burst fills 3/4 in 49 ms) keeps the maximum
        final DrainPacer small = pacer(1 << 20);
        small.afterWake(0, false, 0, false, 0, 0, OFFSET);
        assertEquals(50 * MS, small.afterWake(SECOND - DrainPacer.LEAD_NANOS, true, 30_000, false, 0, 0, OFFSET));
        // a big one (16 MiB) looks every four times the maximum at most
        final DrainPacer big = pacer(16 << 20);
        big.afterWake(0, false, 0, false, 0, 0, OFFSET);
        assertEquals(DrainPacer.IDLE_FACTOR * 50 * MS, big.afterWake(SECOND - DrainPacer.LEAD_NANOS, true, 30_000, false, 0, 0, OFFSET));
    }

    @Test
    void aHighRateSleepsOnlyWhileAQuarterOfTheFreeRoomFills()
    {
        final DrainPacer pacer = pacer(1 << 20);
        pacer.afterWake(0, false, 0, false, 0, 0, OFFSET);
        // 2,000 records of 64 B in 1 ms = 128 MB/s; a quarter of a 1 MiB stripe is 256 KiB: ~2 ms
        final long park = pacer.afterWake(MS, true, 2000 * 64, false, 0, 0, OFFSET);
        assertTrue(park >= MS && park <= 3 * MS, "park " + park);
        // a rate that falls is believed only gradually: the next sleep is still short
        final long next = pacer.afterWake(MS + park, true, 10 * 64, false, 0, 0, OFFSET);
        assertTrue(next <= 5 * MS, "park " + next);
    }

    @Test
    void heldSamplesAreWrittenJustBeforeTheSecondEnds()
    {
        final DrainPacer pacer = pacer(STRIPE);
        pacer.afterWake(900 * MS, false, 0, false, 0, 0, OFFSET);
        assertFalse(pacer.writeDue(980 * MS, 2560, 2560, OFFSET));
        final long park = pacer.afterWake(980 * MS, false, 0, false, 2560, 2560, OFFSET);
        assertEquals(SECOND - DrainPacer.LEAD_NANOS - 980 * MS, park);
        assertTrue(pacer.writeDue(980 * MS + park, 2720, 2720, OFFSET));
        // a timer firing a little early still counts
        assertTrue(pacer.writeDue(980 * MS + park - DrainPacer.EARLY_NANOS / 2, 2720, 2720, OFFSET));
        assertEquals(50 * MS, DrainPacer.untilSecondEnds(SECOND - DrainPacer.LEAD_NANOS + 1, 50 * MS, OFFSET));
        // written: the next second's samples wait for its end (or the hold)
        pacer.afterWake(995 * MS, true, 2720, false, 0, 0, OFFSET);
        assertFalse(pacer.writeDue(1100 * MS, 3200, 3200, OFFSET));
    }

    @Test
    void samplesWaitNoLongerThanTheHoldNorPastAFullBatchOrAnEighthOfAStripe()
    {
        final DrainPacer pacer = pacer(STRIPE);
        // seen empty at 10 ms; 10 kB waiting at 400 ms are held, for 110 ms more at most
        pacer.afterWake(10 * MS, false, 0, false, 0, 0, OFFSET);
        assertTrue(pacer.afterWake(400 * MS, false, 0, false, 10_000, 10_000, OFFSET) <= 110 * MS, "never sleeps past the hold");
        assertFalse(pacer.writeDue(400 * MS, 10_000, 10_000, OFFSET));
        assertTrue(pacer.writeDue(510 * MS, 10_000, 10_000, OFFSET));
        assertTrue(pacer.writeDue(400 * MS, HOLD, HOLD / 2, OFFSET), "a full batch is worth a document");
        final int small = 256 << 10;
        final DrainPacer smallStripe = pacer(small);
        smallStripe.afterWake(10 * MS, false, 0, false, 0, 0, OFFSET);
        assertTrue(smallStripe.writeDue(400 * MS, small / 8, small / 8, OFFSET), "an eighth of a stripe");
        assertFalse(smallStripe.writeDue(400 * MS, small / 8 - 64, small / 8 - 64, OFFSET));
    }

    @Test
    void atOneThousandSamplesASecondTwoDocumentsASecondAndEverySecondWrittenBeforeItEnds()
    {
        final Simulation sim = new Simulation(STRIPE, 500 * MS);
        sim.run(10 * SECOND, t -> 1_000);
        assertEquals(0, sim.lost);
        assertTrue(sim.writes >= 18 && sim.writes <= 22, "writes " + sim.writes);
        assertTrue(sim.wakeUps <= 10 * 12, "wake-ups " + sim.wakeUps);
        assertEquals(0, sim.missedSeconds, "a second's samples were still waiting when it ended");
        // with a hold of a second: one document a second
        final Simulation once = new Simulation(STRIPE, 1000 * MS);
        once.run(10 * SECOND, t -> 1_000);
        assertTrue(once.writes >= 9 && once.writes <= 11, "writes " + once.writes);
        assertEquals(0, once.missedSeconds);
    }

    @Test
    void aBurstAfterAQuietSpellFillsAtMostHalfAStripe()
    {
        // 1,000 samples/s for 3 s, then 250,000/s into one stripe (the burst the sleeps are sized for), then 1,000/s
        for (final int stripe : new int[] { 1 << 20, STRIPE, 16 << 20 })
        {
            final Simulation sim = new Simulation(stripe, 500 * MS);
            sim.run(6 * SECOND, t -> t < 3 * SECOND || t >= 4 * SECOND ? 1_000 : 250_000);
            assertEquals(0, sim.lost, "stripe " + stripe);
            // 3/4 of the free room; a stripe too small for that (1 MiB) still gets a look every idleMs (50 ms of the burst)
            final long bound = Math.max(stripe / 4 * 3, 250_000L * 50 / 1000 * 64) + (64 << 10);
            assertTrue(sim.highestFill <= bound, "stripe " + stripe + ": fill " + sim.highestFill);
        }
    }

    /** Samples per second at a time (nanos since start). */
    private interface Rate
    {
        long at(long nanos);
    }

    /** The drain's loop against one stripe fed at {@link Rate}, 64-byte records, 1 ms steps, reads of 4,096. */
    private static final class Simulation
    {
        private final int stripe;
        private final DrainPacer pacer;
        /** Bytes that did not fit. */
        long lost;
        long writes;
        long wakeUps;
        long highestFill;
        /** Seconds that ended with more than their last {@link DrainPacer#LEAD_NANOS} of samples waiting. */
        long missedSeconds;

        Simulation(final int stripeBytes, final long holdNanos)
        {
            stripe = stripeBytes;
            pacer = new DrainPacer(MS, 50 * MS, holdNanos, stripeBytes, 64, HOLD);
        }

        void run(final long duration, final Rate rate)
        {
            long waiting = 0;
            double due = 0;
            long nextWake = 0;
            for (long t = 0; t < duration; t += MS)
            {
                due += rate.at(t) / 1000.0;
                final long arriving = (long)due * 64;
                due -= (long)due;
                waiting += arriving;
                if (waiting > stripe)
                {
                    lost += waiting - stripe;
                    waiting = stripe;
                }
                highestFill = Math.max(highestFill, waiting);
                if (t % SECOND == 0 && t > 0 && waiting > 64L * rate.at(t) * (DrainPacer.LEAD_NANOS + MS) / SECOND + 64)
                {
                    missedSeconds++; // more than the last LEAD_NANOS of the second still waits
                }
                if (t < nextWake)
                {
                    continue;
                }
                wakeUps++;
                long read = 0;
                final boolean write = pacer.writeDue(t, waiting, waiting, OFFSET);
                if (write)
                {
                    writes++;
                    read = Math.min(waiting, 4096L * 64);
                    waiting -= read;
                }
                final long park = pacer.afterWake(t, write, read, read == 4096L * 64, waiting, waiting, OFFSET);
                nextWake = t + Math.max(0, park);
            }
        }
    }
}
