package io.hotpath.daemon.detect;

/**
 * Turns a detector's per-interval score into few events: the suppression half of an
 * {@link AnomalyMonitor}, kept apart so its rules can be tested with plain score sequences.
 *
 * <pre>
 *            score >= enter                    score >= enter for minDuration,
 *   IDLE ───────────────────────► PENDING ──── or score >= critical ───────► ACTIVE
 *    ▲  (not during cool-down)      │                                        │  │ score >= exit: stays
 *    │                              │ score < enter                          │  ▼ (flaps merge here)
 *    ├──────────────────────────────┘                                        │
 *    └─────────────────── score < exit for hold; cool-down starts ◄──────────┘
 * </pre>
 *
 * Time is the start of each interval in epoch milliseconds; an interval lasts {@code stepMillis}.
 * <b>Durations count intervals</b>: the settings are written in the daemon's 1-second intervals
 * ({@code min_duration: 2s} = 2 intervals), so on a series whose interval is {@code stepMillis}
 * they last {@code stepMillis / 1 s} times as long (2 rows of 5-minute data = 10 minutes): one
 * setting behaves the same on 1 s and 5 min data. A run of {@code minDuration} also needs two values
 * or more (a pooled value of a quiet series spans several seconds); a run near a stall of the
 * series' service is held longer ({@link StallWatch}).
 * An event starts at the first interval of the run that opened it and ends at the end of the last
 * interval whose score was at or above {@code exit}. A NaN score (warming up, no data) is quiet.
 * Single-threaded.
 */
public final class EventSuppressor
{
    /** What one {@link #step} did. */
    public enum Transition
    {
        NONE, OPENED, CLOSED
    }

    private enum State
    {
        IDLE, PENDING, ACTIVE
    }

    private final double enter;
    private final double exit;
    private final double critical;
    private final long minDurationMillis;
    private final long holdMillis;
    private final long cooldownMillis;
    private final long stepMillis;

    private State state = State.IDLE;
    private long runStart;
    /** Values in the pending run: a run of {@code minDuration} needs at least {@link #MIN_RUN_VALUES} of them. */
    private int runValues;
    private long lastAboveExit;
    private long cooldownUntil = Long.MIN_VALUE;
    private double peak;
    private long peakAt;
    private long suppressed;
    private boolean atOnceAllowed = true;
    private boolean suppressing;
    private long lastStall = Long.MIN_VALUE;
    private long lastMeasured = Long.MIN_VALUE;
    private boolean held;
    private long heldRuns;

    public EventSuppressor(final DetectorSettings settings, final long stepMillis)
    {
        if (stepMillis <= 0)
        {
            throw new IllegalArgumentException("stepMillis must be > 0: " + stepMillis);
        }
        this.enter = settings.enter();
        this.exit = settings.exit();
        this.critical = settings.critical();
        this.minDurationMillis = inIntervals(settings.minDuration().toMillis(), stepMillis);
        this.holdMillis = inIntervals(settings.hold().toMillis(), stepMillis);
        this.cooldownMillis = inIntervals(settings.cooldown().toMillis(), stepMillis);
        this.stepMillis = stepMillis;
    }

    /**
     * A run lasting {@code minDuration} of 2 intervals or more opens only on at least this many values:
     * a pooled value of a quiet series spans several seconds (one value after a gap is one look, not
     * a lasting change), while a pool filling every 2 s still opens within 3.
     */
    static final int MIN_RUN_VALUES = 2;

    /** The daemon's interval, in which durations are written. */
    static final long DAEMON_INTERVAL_MILLIS = 1000;

    /** A duration written in daemon intervals, on a series of {@code stepMillis} intervals. */
    static long inIntervals(final long settingMillis, final long stepMillis)
    {
        return stepMillis == DAEMON_INTERVAL_MILLIS ? settingMillis
            : Math.round(settingMillis / (double)DAEMON_INTERVAL_MILLIS * stepMillis);
    }

    /** Feeds the score of the interval starting at {@code timeMillis}; times must increase. */
    public Transition step(final long timeMillis, final double score)
    {
        return step(timeMillis, score, true);
    }

    /**
     * As {@link #step(long, double)}; with {@code criticalOpensAtOnce} false, a critical score does
     * not skip {@code minDuration} (the value rests on too few calls to be trusted alone); it still
     * makes the event critical.
     */
    public Transition step(final long timeMillis, final double score, final boolean criticalOpensAtOnce)
    {
        return step(timeMillis, score, criticalOpensAtOnce, Long.MIN_VALUE);
    }

    /**
     * As {@link #step(long, double, boolean)}; {@code lastStall}: the start of the last interval in
     * which the series' service stalled ({@link StallWatch}), {@link Long#MIN_VALUE} for none. A run
     * near a stall is held (does not open, even on a critical score) while
     * {@link StallWatch#holds} says so; held runs that end without opening are counted.
     */
    public Transition step(final long timeMillis, final double score, final boolean criticalOpensAtOnce, final long lastStall)
    {
        return step(timeMillis, score, criticalOpensAtOnce, lastStall, Long.MIN_VALUE);
    }

    /**
     * As {@link #step(long, double, boolean, long)}; {@code lastMeasured}: the start of the last of
     * those stall intervals that the daemon measured itself ({@link StallWatch#lastMeasuredMillis()}),
     * which hold a run longer.
     */
    public Transition step(final long timeMillis, final double score, final boolean criticalOpensAtOnce, final long lastStall,
        final long lastMeasured)
    {
        atOnceAllowed = criticalOpensAtOnce;
        this.lastStall = lastStall;
        this.lastMeasured = lastMeasured;
        final boolean aboveEnter = score >= enter;
        switch (state)
        {
            case IDLE:
                if (!aboveEnter)
                {
                    suppressing = false;
                    return Transition.NONE;
                }
                if (timeMillis < cooldownUntil)
                {
                    if (!suppressing)
                    {
                        suppressing = true;
                        suppressed++;
                    }
                    return Transition.NONE;
                }
                state = State.PENDING;
                held = false;
                runValues = 1;
                runStart = timeMillis;
                peak = score;
                peakAt = timeMillis;
                return confirm(timeMillis, score);
            case PENDING:
                if (!aboveEnter)
                {
                    state = State.IDLE;
                    heldRuns += held ? 1 : 0;
                    return Transition.NONE;
                }
                runValues++;
                notePeak(timeMillis, score);
                return confirm(timeMillis, score);
            case ACTIVE:
            default:
                if (score >= exit)
                {
                    lastAboveExit = timeMillis;
                    notePeak(timeMillis, score);
                    return Transition.NONE;
                }
                if (timeMillis - lastAboveExit >= holdMillis)
                {
                    state = State.IDLE;
                    cooldownUntil = timeMillis + cooldownMillis;
                    suppressing = false;
                    return Transition.CLOSED;
                }
                return Transition.NONE;
        }
    }

    /**
     * Closes an open event now (the series went away); returns whether one was open. The event ends
     * where it would have ended: after its last interval at or above {@code exit}.
     */
    public boolean forceClose()
    {
        if (state == State.ACTIVE)
        {
            state = State.IDLE;
            return true;
        }
        state = State.IDLE;
        return false;
    }

    private Transition confirm(final long timeMillis, final double score)
    {
        if (StallWatch.holds(lastStall, lastMeasured, runStart, timeMillis, stepMillis))
        {
            held = true;
            return Transition.NONE;
        }
        final boolean lasted = timeMillis + stepMillis - runStart >= minDurationMillis
            && runValues >= Math.min(MIN_RUN_VALUES, (minDurationMillis + stepMillis - 1) / stepMillis);
        if (lasted || (score >= critical && atOnceAllowed))
        {
            state = State.ACTIVE;
            lastAboveExit = timeMillis;
            return Transition.OPENED;
        }
        return Transition.NONE;
    }

    private void notePeak(final long timeMillis, final double score)
    {
        if (score > peak)
        {
            peak = score;
            peakAt = timeMillis;
        }
    }

    /** Whether a run needs more than one value to open (a confirmation the detector can wait for). */
    public boolean confirms()
    {
        return minDurationMillis > stepMillis;
    }

    public boolean active()
    {
        return state == State.ACTIVE;
    }

    /** Whether a run is pending: at or above {@code enter}, not opened yet. */
    public boolean pending()
    {
        return state == State.PENDING;
    }

    /** Whether the pending (or last) run was held by a stall of the service at some interval. */
    public boolean runHeld()
    {
        return held;
    }

    /** Start of the open (or last) event: the first interval of the run that opened it. */
    public long eventStart()
    {
        return runStart;
    }

    /** End of the open (or last) event so far: the end of its last interval at or above {@code exit}. */
    public long eventEnd()
    {
        return lastAboveExit + stepMillis;
    }

    /** Highest score of the open (or last) event, the pending run included. */
    public double peak()
    {
        return peak;
    }

    public long peakAt()
    {
        return peakAt;
    }

    public Severity severity()
    {
        return peak >= critical ? Severity.CRITICAL : Severity.WARNING;
    }

    /** Runs held by a stall of the service ({@link StallWatch}) that ended without opening an event. */
    public long heldRuns()
    {
        return heldRuns;
    }

    /** Runs above {@code enter} swallowed by cool-downs (each run counted once). */
    public long suppressedRuns()
    {
        return suppressed;
    }
}
