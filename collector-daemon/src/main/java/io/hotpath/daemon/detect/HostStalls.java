package io.hotpath.daemon.detect;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The daemon's own evidence that the whole host stalled: its aggregation thread closed an interval
 * much later than planned. An interval closes at the next wall-clock second; the thread sleeps until
 * just before it, so on a host with CPU to spare it is a few milliseconds late. When every core is
 * taken (other builds on a shared machine), or the daemon's JVM pauses for a collection, it wakes
 * tens to hundreds of milliseconds late — and the services on the host were starved in the same
 * moment: their calls in flight waited out the stall (the p99 of that second rises), their closed
 * loops ran fewer calls. Such seconds say nothing about the services, so a service's runs of
 * anomalous intervals near one are held and counted as stalls ({@link StallWatch}), not raised.
 *
 * <p>A late close also moves the data: samples of the next second read before the late close are
 * counted into the closing one (one second holds 1.3 s of calls, the next 0.7 s). So both the
 * interval closed late and the one after it are marked.
 *
 * <p>Not while the daemon catches up with its spool after a start ({@link #catchingUpWhile}): it closes the
 * seconds it was down, or busy reading the backlog, late by its own doing, not the host's. Those
 * intervals are marked as the catch-up's instead ({@link #duringCatchUp}): {@link StallWatch} still holds runs
 * near them (their data is the backlog's, read late) but counts no stall.
 *
 * <p>Only in the daemon, where interval times are the wall clock's ({@link AnomalyEngine#liveClock});
 * a replay (backtest, tests) has no such evidence. Aggregation thread only, except {@link #count()},
 * {@link #worstLateMillis()} and {@link #catchUpLateCloses()} (volatile).
 */
public final class HostStalls
{
    /**
     * How late an interval may close and still count as on time: a tenth of the interval. Far above the
     * few milliseconds of a host with a core to spare (at load 4-9 on 2 cores: median 0, p99 6-20 ms,
     * at most 53 ms) and the rotation's own work (sorting every series' second); a stall of the
     * aggregation thread that long starves the services on the host too.
     */
    static final long LATE_MILLIS = 100;

    private final long stepMillis;
    /** Null: no evidence (a replay). */
    private LongSupplier clock;
    /** True while the daemon catches up with its spool after a start (null: never). */
    private BooleanSupplier catchingUp;
    /** The last interval closed while catching up, plus one (its late calls are the backlog's too). */
    private long catchUpUntil = Long.MIN_VALUE;
    private volatile long catchUpLateCloses;

    /** Intervals marked, newest (starting at {@link #newest}) in bit 0; aggregation thread only. */
    private long marks;
    private long newest = Long.MIN_VALUE;
    private volatile long stalls;
    private volatile long worstLateMillis;

    HostStalls(final long stepMillis)
    {
        this.stepMillis = stepMillis;
    }

    /** Intervals are closed live by {@code wallClock} (the daemon): their lateness is measured. */
    void useClock(final LongSupplier wallClock)
    {
        this.clock = wallClock;
    }

    /**
     * {@code catchingUp} is true while the daemon reads the spool's backlog after a start (its catch-up:
     * until every queue was read to the end it had at the start); intervals closed meanwhile are no
     * evidence of a host stall. Before the first interval.
     */
    void catchingUpWhile(final BooleanSupplier catchingUp)
    {
        this.catchingUp = catchingUp;
    }

    /**
     * The interval starting at {@code time} is being closed now (the first series of it reported):
     * marks it and the next one stalled when it closes {@link #LATE_MILLIS} or more after its end;
     * while the daemon catches up with its spool, marks both as the catch-up's instead.
     */
    void closing(final long time)
    {
        if (clock == null)
        {
            return;
        }
        final long late = clock.getAsLong() - (time + stepMillis);
        if (catchingUp != null && catchingUp.getAsBoolean())
        {
            catchUpUntil = Math.max(catchUpUntil, time + stepMillis);
            if (late >= LATE_MILLIS)
            {
                catchUpLateCloses++;
            }
            return;
        }
        if (late < LATE_MILLIS)
        {
            return;
        }
        if (late > worstLateMillis)
        {
            worstLateMillis = late;
        }
        if (!stalled(time - stepMillis) && !stalled(time))
        {
            stalls++; // a new stall: the interval before was on time
        }
        mark(time);
        mark(time + stepMillis);
    }

    private void mark(final long time)
    {
        if (newest == Long.MIN_VALUE || time > newest)
        {
            final long shift = newest == Long.MIN_VALUE ? Long.SIZE : (time - newest) / stepMillis;
            marks = shift >= Long.SIZE ? 0 : marks << shift;
            newest = time;
        }
        final long back = (newest - time) / stepMillis;
        if (back < Long.SIZE)
        {
            marks |= 1L << back;
        }
    }

    /** Whether the interval starting at {@code time} is marked stalled (known once it closed). */
    boolean stalled(final long time)
    {
        if (newest == Long.MIN_VALUE || time > newest)
        {
            return false;
        }
        final long back = (newest - time) / stepMillis;
        return back < Long.SIZE && (marks & 1L << back) != 0;
    }

    /**
     * Whether the interval starting at {@code time} was closed while the daemon caught up with its spool (or is
     * the one after such an interval, whose late calls were read during it).
     */
    boolean duringCatchUp(final long time)
    {
        return catchUpUntil != Long.MIN_VALUE && time <= catchUpUntil;
    }

    /** Intervals closed {@link #LATE_MILLIS} or more late while the daemon caught up with its spool: not counted as stalls. */
    public long catchUpLateCloses()
    {
        return catchUpLateCloses;
    }

    /** Stalls of the host seen (intervals closed late in a row count once). */
    public long count()
    {
        return stalls;
    }

    /** The latest an interval closed, in milliseconds past its end. */
    public long worstLateMillis()
    {
        return worstLateMillis;
    }
}
