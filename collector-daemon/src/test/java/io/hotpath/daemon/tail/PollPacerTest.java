package io.hotpath.daemon.tail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PollPacerTest
{
    private static final long MS = 1_000_000L;

    @Test
    void quietQueuesBackOffToTheMaximumButNeverPastARotationOrScan()
    {
        final PollPacer pacer = new PollPacer(50);
        final long rotation = 10_000;
        final long scan = 10_900;
        assertEquals(MS, pacer.afterPoll(0, 9_000, rotation, scan));
        assertEquals(2 * MS, pacer.afterPoll(0, 9_001, rotation, scan));
        for (int i = 0; i < 10; i++)
        {
            pacer.afterPoll(0, 9_003, rotation, scan);
        }
        assertEquals(50 * MS, pacer.afterPoll(0, 9_100, rotation, scan));
        // one poll shortly before the rotation, then up to the rotation itself
        assertEquals((rotation - PollPacer.PRE_ROTATION_LEAD_MILLIS - 9_970) * MS, pacer.afterPoll(0, 9_970, rotation, scan));
        assertEquals(MS, pacer.afterPoll(0, rotation - 1, rotation, scan));
        assertEquals(0, pacer.afterPoll(0, rotation, rotation, scan));
        assertEquals(10 * MS, pacer.afterPoll(0, 10_890, 11_000, scan));
    }

    @Test
    void documentsArePolledAgainAtOnceAndHalveTheBackOff()
    {
        final PollPacer pacer = new PollPacer(64);
        for (int i = 0; i < 10; i++)
        {
            pacer.afterPoll(0, 0, 10_000, 10_000);
        }
        assertEquals(64, pacer.backOffMillis());
        assertEquals(0, pacer.afterPoll(3, 0, 10_000, 10_000));
        assertEquals(32, pacer.backOffMillis());
        assertEquals(32 * MS, pacer.afterPoll(0, 0, 10_000, 10_000));
    }
}
