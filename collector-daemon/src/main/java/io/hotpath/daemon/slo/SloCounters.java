package io.hotpath.daemon.slo;

import java.util.Arrays;

/**
 * Good and total event counts of one SLO over time, compact enough to rewrite to disk every
 * minute: a ring of the last {@link #MINUTE_SLOTS} minutes (exact windows up to 6 h, which covers
 * every page window and the short ticket windows) and a ring of hours sized to the longest window
 * (30 days = 721 slots). About 17 KB for a 30-day SLO, where a ring of 43 200 minutes would be 690 KB.
 *
 * <p>A window of W minutes ending at the head minute (the minute of the newest interval, included
 * while it fills) is summed from the minute ring when W fits in it; otherwise from the hour ring,
 * with the oldest, partly covered hour pro-rated by the share of its minutes inside the window
 * (assuming its events were spread evenly: at most 1/W of error on a 1-day window's edge hour).
 *
 * <p>Single-threaded (the aggregation thread); readers see published {@link SloStatus} snapshots.
 */
public final class SloCounters
{
    /** 6 hours of minutes. */
    public static final int MINUTE_SLOTS = 360;

    static final long EMPTY = Long.MIN_VALUE;

    private final long[] minuteGood;
    private final long[] minuteTotal;
    private final long[] hourGood;
    private final long[] hourTotal;

    private long headMinute = EMPTY;
    private long firstMinute = EMPTY;
    private long goodEvents;
    private long badEvents;
    private long droppedLate;

    /** Counters able to answer windows up to {@code longestWindowMinutes}. */
    public SloCounters(final long longestWindowMinutes)
    {
        this(MINUTE_SLOTS, hourSlotsFor(longestWindowMinutes));
    }

    SloCounters(final int minuteSlots, final int hourSlots)
    {
        minuteGood = new long[minuteSlots];
        minuteTotal = new long[minuteSlots];
        hourGood = new long[hourSlots];
        hourTotal = new long[hourSlots];
    }

    /** Hours needed for a window: every hour it may touch, including the partial current one. */
    public static int hourSlotsFor(final long windowMinutes)
    {
        return (int)((windowMinutes + 59) / 60) + 1;
    }

    /**
     * Adds events of {@code epochMinute}. A newer minute moves the head (clearing the slots it
     * passes); an older one still inside the minute ring is added to its slot; an older one beyond
     * it is dropped and counted in {@link #droppedLate()}.
     */
    public void add(final long epochMinute, final long good, final long total)
    {
        if (headMinute == EMPTY)
        {
            headMinute = epochMinute;
            firstMinute = epochMinute;
            clearAll();
        }
        else if (epochMinute > headMinute)
        {
            advanceTo(epochMinute);
        }
        else if (epochMinute <= headMinute - minuteGood.length)
        {
            droppedLate += total;
            return;
        }
        final int minuteSlot = slot(epochMinute, minuteGood.length);
        minuteGood[minuteSlot] += good;
        minuteTotal[minuteSlot] += total;
        final int hourSlot = slot(Math.floorDiv(epochMinute, 60), hourGood.length);
        hourGood[hourSlot] += good;
        hourTotal[hourSlot] += total;
        goodEvents += good;
        badEvents += total - good;
    }

    /** Moves the head to {@code epochMinute} without events (time passes, nothing happened). */
    public void advanceTo(final long epochMinute)
    {
        if (headMinute == EMPTY)
        {
            headMinute = epochMinute;
            firstMinute = epochMinute;
            clearAll();
            return;
        }
        if (epochMinute <= headMinute)
        {
            return;
        }
        final long minutes = epochMinute - headMinute;
        if (minutes >= minuteGood.length)
        {
            Arrays.fill(minuteGood, 0);
            Arrays.fill(minuteTotal, 0);
        }
        else
        {
            for (long m = headMinute + 1; m <= epochMinute; m++)
            {
                final int s = slot(m, minuteGood.length);
                minuteGood[s] = 0;
                minuteTotal[s] = 0;
            }
        }
        final long headHour = Math.floorDiv(headMinute, 60);
        final long newHour = Math.floorDiv(epochMinute, 60);
        if (newHour - headHour >= hourGood.length)
        {
            Arrays.fill(hourGood, 0);
            Arrays.fill(hourTotal, 0);
        }
        else
        {
            for (long h = headHour + 1; h <= newHour; h++)
            {
                final int s = slot(h, hourGood.length);
                hourGood[s] = 0;
                hourTotal[s] = 0;
            }
        }
        headMinute = epochMinute;
    }

    /**
     * Good and total events of the {@code windowMinutes} minutes ending with {@code endMinute}
     * (inclusive), {@code endMinute} at most the head. Fractional when an hour is pro-rated.
     */
    public double[] window(final long endMinute, final long windowMinutes)
    {
        final double[] sums = new double[2];
        if (headMinute == EMPTY || windowMinutes <= 0)
        {
            return sums;
        }
        final long end = Math.min(endMinute, headMinute);
        final long start = end - windowMinutes + 1;
        if (headMinute - start < minuteGood.length)
        {
            for (long m = Math.max(start, headMinute - minuteGood.length + 1); m <= end; m++)
            {
                final int s = slot(m, minuteGood.length);
                sums[0] += minuteGood[s];
                sums[1] += minuteTotal[s];
            }
            return sums;
        }
        // Hour ring: whole hours after the start's hour, plus the start's hour pro-rated. The end
        // minute's hour is taken whole: its minutes after `end` are empty unless end < head, which
        // only the slice lag (one minute) does, where the pro-rating error is one minute in the window.
        final long startHour = Math.floorDiv(start, 60);
        final long endHour = Math.floorDiv(end, 60);
        final long oldestKept = Math.floorDiv(headMinute, 60) - hourGood.length + 1;
        for (long h = Math.max(startHour + 1, oldestKept); h <= endHour; h++)
        {
            final int s = slot(h, hourGood.length);
            sums[0] += hourGood[s];
            sums[1] += hourTotal[s];
        }
        if (startHour >= oldestKept && startHour < endHour)
        {
            final double share = (60 - Math.floorMod(start, 60)) / 60.0;
            final int s = slot(startHour, hourGood.length);
            sums[0] += share * hourGood[s];
            sums[1] += share * hourTotal[s];
        }
        else if (startHour == endHour && startHour >= oldestKept)
        {
            final int s = slot(startHour, hourGood.length);
            sums[0] += hourGood[s];
            sums[1] += hourTotal[s];
        }
        return sums;
    }

    private void clearAll()
    {
        Arrays.fill(minuteGood, 0);
        Arrays.fill(minuteTotal, 0);
        Arrays.fill(hourGood, 0);
        Arrays.fill(hourTotal, 0);
    }

    private static int slot(final long index, final int length)
    {
        return (int)Math.floorMod(index, (long)length);
    }

    /** The newest minute (epoch minutes), or {@link Long#MIN_VALUE} before any event. */
    public long headMinute()
    {
        return headMinute;
    }

    /** The first minute counted since these counters (or their persisted state) began. */
    public long firstMinute()
    {
        return firstMinute;
    }

    /** Good events since these counters began (persisted: survives restarts). */
    public long goodEvents()
    {
        return goodEvents;
    }

    public long badEvents()
    {
        return badEvents;
    }

    /** Events older than the minute ring that arrived after it moved on (not counted). */
    public long droppedLate()
    {
        return droppedLate;
    }

    int minuteSlots()
    {
        return minuteGood.length;
    }

    int hourSlots()
    {
        return hourGood.length;
    }

    // Raw access for SloStateCodec.

    long[] minuteGood()
    {
        return minuteGood;
    }

    long[] minuteTotal()
    {
        return minuteTotal;
    }

    long[] hourGood()
    {
        return hourGood;
    }

    long[] hourTotal()
    {
        return hourTotal;
    }

    void restore(final long headMinute, final long firstMinute, final long goodEvents, final long badEvents)
    {
        this.headMinute = headMinute;
        this.firstMinute = firstMinute;
        this.goodEvents = goodEvents;
        this.badEvents = badEvents;
    }
}
