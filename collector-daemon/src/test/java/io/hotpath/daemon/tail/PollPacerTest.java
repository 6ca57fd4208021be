package io.hotpath.daemon.tail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PollPacerTest
{
    private static final long MS = 1_000_000L;
    private static final long TARGET = PollPacer.TARGET_SAMPLES_PER_PASS;

    @Test
    void quietQueuesBackOffToTheMaximumButNeverPastARotationOrScan()
    {
        final PollPacer pacer = new PollPacer(50);
        final long rotation = 10_000;
        final long scan = 10_900;
        assertEquals(MS, pacer.afterPoll(0, false, 9_000, rotation, scan));
        assertEquals(2 * MS, pacer.afterPoll(0, false, 9_001, rotation, scan));
        for (int i = 0; i < 10; i++)
        {
            pacer.afterPoll(0, false, 9_003, rotation, scan);
        }
        assertEquals(50 * MS, pacer.afterPoll(0, false, 9_100, rotation, scan));
        // one poll shortly before the rotation, then up to the rotation itself
        assertEquals((rotation - PollPacer.PRE_ROTATION_LEAD_MILLIS - 9_970) * MS, pacer.afterPoll(0, false, 9_970, rotation, scan));
        assertEquals(MS, pacer.afterPoll(0, false, rotation - 1, rotation, scan));
        assertEquals(0, pacer.afterPoll(0, false, rotation, rotation, scan));
        assertEquals(10 * MS, pacer.afterPoll(0, false, 10_890, 11_000, scan));
    }

    @Test
    void aPassThatStoppedWithMoreToReadPollsAgainAtOnceAndHalvesTheBackOff()
    {
        final PollPacer pacer = new PollPacer(64);
        for (int i = 0; i < 10; i++)
        {
            pacer.afterPoll(0, false, 0, 10_000, 10_000);
        }
        assertEquals(64, pacer.backOffMillis());
        assertEquals(0, pacer.afterPoll(3, true, 0, 10_000, 10_000));
        assertEquals(32, pacer.backOffMillis());
        assertEquals(32 * MS, pacer.afterPoll(0, false, 0, 10_000, 10_000));
    }

    /**
     * A trickle (the agents' documents a few samples each) does not wake the thread once per document:
     * passes that take little sleep as long as quiet ones, so a low rate costs a few wake-ups a second.
     */
    @Test
    void aTrickleIsReadInBatchesAtTheLongestSleep()
    {
        final PollPacer pacer = new PollPacer(500);
        long now = 0;
        int wakeUps = 0;
        // 1 000 samples/s arriving in documents of 5 (the agent's drain every 5 ms): 5 s
        long taken = 0;
        long read = 0;
        while (now < 5_000)
        {
            final long arrived = now / 5 * 5;
            final long samples = arrived - read;
            read = arrived;
            taken += samples;
            final long park = pacer.afterPoll(samples, false, now, (now / 1000 + 1) * 1000, now + 1000);
            wakeUps++;
            now += Math.max(1, park / MS);
        }
        assertTrue(wakeUps <= 5 * 4 + 10, wakeUps + " wake-ups in 5 s for 1 000 samples/s");
        assertTrue(taken > 4_900, "read " + taken);
    }

    /** At high rates the batches stay near the target: the poll before a rotation never has a long backlog. */
    @Test
    void aHighRateShortensTheSleepToKeepBatchesNearTheTarget()
    {
        final PollPacer pacer = new PollPacer(500);
        final long ratePerMilli = 100; // 100 000 samples/s
        long now = 0;
        long last = 0;
        long largest = 0;
        for (int i = 0; i < 200; i++)
        {
            final long samples = (now - last) * ratePerMilli;
            last = now;
            if (i > 20)
            {
                largest = Math.max(largest, samples);
            }
            final long park = pacer.afterPoll(samples, false, now, now + 100_000, now + 100_000);
            now += Math.max(1, park / MS);
        }
        assertTrue(largest <= 4 * TARGET, "a pass took " + largest + " samples (target " + TARGET + ")");
        assertTrue(pacer.backOffMillis() <= 16, "back-off " + pacer.backOffMillis() + " ms at 100 000 samples/s");
    }
}
