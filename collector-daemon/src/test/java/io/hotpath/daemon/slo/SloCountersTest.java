package io.hotpath.daemon.slo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SloCountersTest
{
    @Test
    void windowsInsideTheMinuteRingAreExact()
    {
        final SloCounters counters = new SloCounters(10, 4);
        for (long minute = 0; minute < 8; minute++)
        {
            counters.add(minute, minute, 10);
        }
        // Last 3 minutes: 5 6 7 good of 30.
        assertArrayEquals(new double[] {18, 30}, counters.window(7, 3), 0.0);
        // Longer than the data: what there is.
        assertArrayEquals(new double[] {28, 80}, counters.window(7, 10), 0.0);
        assertEquals(28, counters.goodEvents());
        assertEquals(52, counters.badEvents());
    }

    @Test
    void longWindowsComeFromHoursWithTheOldestHourProRated()
    {
        final SloCounters counters = new SloCounters(10, 4);
        for (long minute = 0; minute < 180; minute++)
        {
            counters.add(minute, 1, 2);
        }
        // 90 minutes ending at 179 start at minute 90: hour 2 whole (60 minutes) and half of hour 1.
        assertArrayEquals(new double[] {90, 180}, counters.window(179, 90), 1e-9);
        // 150 minutes: hours 1 and 2 whole, hour 0 half (minutes 30..59).
        assertArrayEquals(new double[] {150, 300}, counters.window(179, 150), 1e-9);
    }

    @Test
    void movingTheHeadClearsWhatFallsOutOfTheRings()
    {
        final SloCounters counters = new SloCounters(10, 4);
        counters.add(0, 5, 5);
        counters.add(3, 5, 5);
        counters.advanceTo(12);
        // Minute 0 and 3 slots were reused by minutes 10..12? Only 10, 11, 12 were cleared: 3 survives.
        assertArrayEquals(new double[] {5, 5}, counters.window(12, 10), 0.0);
        counters.advanceTo(1_000);
        assertArrayEquals(new double[] {0, 0}, counters.window(1_000, 10), 0.0);
        assertArrayEquals(new double[] {0, 0}, counters.window(1_000, 200), 0.0);
        assertEquals(10, counters.goodEvents(), "running totals are not windows: they keep counting");
    }

    @Test
    void lateMinutesInsideTheRingCountAndOlderOnesAreDropped()
    {
        final SloCounters counters = new SloCounters(10, 4);
        counters.add(20, 1, 1);
        counters.add(15, 1, 2);
        counters.add(10, 1, 1);
        assertArrayEquals(new double[] {2, 3}, counters.window(20, 10), 0.0);
        assertEquals(1, counters.droppedLate());
    }
}
