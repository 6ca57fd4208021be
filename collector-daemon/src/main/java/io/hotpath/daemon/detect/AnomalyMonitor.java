package io.hotpath.daemon.detect;

import java.util.Map;
import java.util.function.LongSupplier;
import java.io.DataInput;
import java.io.IOException;

/**
 * One detector watching one signal of one series, with its suppression: the unit the
 * {@link AnomalyEngine} keeps per series and the {@code backtest} command replays a CSV through, so
 * what an operator tunes offline is exactly what runs in the daemon.
 *
 * <p>Single writer (the aggregation thread, or the backtest loop) calls {@link #observe}; any thread
 * may read {@link #score()}, {@link #active()}, {@link #openEvent()} and the event counts, which are
 * published through volatile fields.
 */
public final class AnomalyMonitor
{
    private final String seriesKey;
    private final Map<String, String> seriesLabels;
    private final Signal signal;
    private final Direction direction;
    private final Detector detector;
    private final EventSuppressor suppressor;
    private final LongSupplier eventIds;

    private final long stepMillis;

    private long eventId;
    private long alertMillis;
    private int agreeing;
    /** The direction of the pending run or open event (of the interval that started it); fixed while it is open. */
    private boolean runUp = true;
    private double peakValue = Double.NaN;
    private double baselineAtPeak = Double.NaN;

    /** Opaque slot for the exposition's pre-rendered label set of this monitor (aggregation thread only). */
    private Object exposition;

    private volatile double score = Double.NaN;
    private volatile AnomalyEvent openEvent;
    private volatile long warningEvents;
    private volatile long criticalEvents;

    /**
     * @param seriesLabels the series' labels, unmodifiable (shared by the monitors of a series and
     *                     carried by its events)
     */
    public AnomalyMonitor(
        final String seriesKey,
        final Map<String, String> seriesLabels,
        final Signal signal,
        final SignalSettings signalSettings,
        final DetectorKind kind,
        final long stepMillis,
        final LongSupplier eventIds)
    {
        final DetectorSettings settings = signalSettings.settings(kind);
        this.seriesKey = seriesKey;
        this.seriesLabels = seriesLabels;
        this.signal = signal;
        this.direction = signalSettings.direction();
        this.stepMillis = stepMillis;
        this.detector = settings.newDetector(signalSettings.floor(), direction);
        this.suppressor = new EventSuppressor(settings, stepMillis);
        this.eventIds = eventIds;
    }

    /**
     * Feeds the signal's value for the interval starting at {@code timeMillis} (NaN: no data) and
     * returns the event this interval opened (open) or closed (with its end), else null.
     */
    public AnomalyEvent observe(final long timeMillis, final double value)
    {
        return observe(timeMillis, value, true);
    }

    /**
     * As {@link #observe(long, double)}; {@code criticalOpensAtOnce} false when the value rests on
     * too few calls to open an event on its own however extreme (see {@link EventSuppressor#step(long, double, boolean)}).
     */
    public AnomalyEvent observe(final long timeMillis, final double value, final boolean criticalOpensAtOnce)
    {
        return observe(timeMillis, value, criticalOpensAtOnce, 0);
    }

    /**
     * As {@link #observe(long, double, boolean)}; {@code valueCalls} > 0 for an error ratio: the
     * calls the value was computed from, whose binomial noise floors the score's spread (see
     * {@link #binomialNoise}).
     */
    public AnomalyEvent observe(
        final long timeMillis, final double value, final boolean criticalOpensAtOnce, final long valueCalls)
    {
        return observe(timeMillis, value, criticalOpensAtOnce, valueCalls, Long.MIN_VALUE, Long.MIN_VALUE, false);
    }

    /**
     * As {@link #observe(long, double, boolean, long)}; {@code lastStall}: the start of the last
     * interval in which the series' service stalled (see {@link StallWatch}), {@link Long#MIN_VALUE}
     * for none: a run of anomalous intervals near it is held; {@code lastMeasured}: the last of those
     * the daemon measured itself (held longer).
     */
    AnomalyEvent observe(final long timeMillis, final double value, final boolean criticalOpensAtOnce,
        final long valueCalls, final long lastStall, final long lastMeasured)
    {
        return observe(timeMillis, value, criticalOpensAtOnce, valueCalls, lastStall, lastMeasured, true);
    }

    /**
     * The one implementation; {@code countsCalls}: the value of a throughput signal is a count of calls
     * in one interval (the daemon; not a replayed series of any unit), whose Poisson noise floors its spread.
     */
    private AnomalyEvent observe(final long timeMillis, final double value, final boolean criticalOpensAtOnce,
        final long valueCalls, final long lastStall, final long lastMeasured, final boolean countsCalls)
    {
        final double baselineBefore = detector.baseline();
        final double noise = valueCalls > 0 ? binomialNoise(baselineBefore, valueCalls)
            : countsCalls && signal == Signal.THROUGHPUT ? poissonNoise(baselineBefore) : 0;
        if (detector instanceof AdaptiveDetector adaptive)
        {
            adaptive.holdAnomalous(suppressor.confirms() && !suppressor.active());
        }
        final double deviation = Double.isNaN(value) ? Double.NaN : detector.observe(timeMillis, value, noise);
        final double newScore = direction.score(deviation);
        score = newScore;
        if (!suppressor.pending() && !suppressor.active())
        {
            runUp = !(deviation < 0); // the way a run starting here moves
        }
        // Watched both ways, a run is one way: an interval that moved against it (a drop's recovery, a closed
        // loop's catch-up after it) neither keeps it open nor becomes its peak; it may start the next run.
        final double runScore = direction == Direction.BOTH && runUp == deviation < 0 ? 0 : newScore;

        final double peakBefore = suppressor.peak();
        final boolean wasActive = suppressor.active();
        // A young detector has not learnt its series' tails yet: its critical needs confirming like any score.
        final EventSuppressor.Transition transition = suppressor.step(timeMillis, runScore,
            criticalOpensAtOnce && detector.seasoned(), lastStall, lastMeasured);
        if (detector instanceof AdaptiveDetector adaptive)
        {
            // The values the detector kept out of its learning while their run was pending: learnt once it ended
            // without an event, dropped when a stall held it (or, by rebase below, when it opened one).
            adaptive.resolveHeld(suppressor.pending(), suppressor.pending() && suppressor.runHeld());
        }
        if (suppressor.peakAt() == timeMillis && (suppressor.peak() != peakBefore || !wasActive))
        {
            // This interval set the peak of the pending run or open event: remember what it looked like.
            peakValue = value;
            // The level-shift detector scores against the reference it computed in this very call.
            baselineAtPeak = detector.kind() == DetectorKind.LEVEL_SHIFT ? detector.baseline() : baselineBefore;
        }
        switch (transition)
        {
            case OPENED:
            {
                eventId = eventIds.getAsLong();
                alertMillis = timeMillis;
                agreeing = detector instanceof AdaptiveDetector adaptive ? adaptive.agreeing() : 0;
                detector.rebase();
                final AnomalyEvent opened = event(AnomalyEvent.OPEN);
                if (opened.severity() == Severity.CRITICAL)
                {
                    criticalEvents++;
                }
                else
                {
                    warningEvents++;
                }
                openEvent = opened;
                return opened;
            }
            case CLOSED:
            {
                final AnomalyEvent closed = event(suppressor.eventEnd());
                openEvent = null;
                return closed;
            }
            case NONE:
            default:
                if (wasActive && suppressor.peak() > peakBefore)
                {
                    openEvent = event(AnomalyEvent.OPEN);
                }
                return null;
        }
    }

    /**
     * The standard deviation of an error ratio over {@code calls} calls whose true ratio is the
     * baseline, taken as at least one error in {@code calls}: sqrt(p(1-p)/n), p = max(baseline, 1/n).
     * At 20 calls/s and a 2 % baseline that is 5 points (one error more is not an anomaly); at 1000
     * calls/s, 0.4 points, below the 1-point floor of the signal.
     */
    static double binomialNoise(final double baseline, final long calls)
    {
        final double p = Math.min(Math.max(Double.isNaN(baseline) ? 0 : baseline, 1.0 / calls), 1.0);
        return Math.sqrt(p * (1 - p) / calls);
    }

    /**
     * The standard deviation of a count of calls in one interval whose expected count is the
     * baseline, as if calls arrived independently (Poisson): sqrt(max(baseline, 1)). A paced closed
     * loop (a load generator, a scheduler) counts far steadier than that, so that a 4 % dip of a
     * stalled second is "8σ" of its own spread; a drop that matters to anyone (200 to 13 calls/s, 13σ;
     * to zero, 14σ) stays far above it.
     */
    static double poissonNoise(final double baseline)
    {
        return Math.sqrt(Math.max(Double.isNaN(baseline) ? 0 : baseline, 1.0));
    }

    /** Closes an open event because the series went away; returns the closed event, or null. */
    public AnomalyEvent close()
    {
        if (suppressor.forceClose())
        {
            final AnomalyEvent closed = event(suppressor.eventEnd());
            openEvent = null;
            score = Double.NaN;
            return closed;
        }
        return null;
    }

    private AnomalyEvent event(final long endMillis)
    {
        return new AnomalyEvent(eventId, seriesKey, seriesLabels, signal, detector.kind(), suppressor.severity(),
            suppressor.eventStart(), endMillis, suppressor.peak(), suppressor.peakAt(), peakValue, baselineAtPeak,
            alertMillis, runUp ? Direction.UP : Direction.DOWN,
            detector instanceof AdaptiveDetector ? AdaptiveDetector.names(agreeing) : detector.kind().label());
    }

    /** What the exposition attached with {@link #attachExposition}, or null. Aggregation thread only. */
    public Object exposition()
    {
        return exposition;
    }

    /** Lets the exposition keep this monitor's rendered labels with it (they live and die together). */
    public void attachExposition(final Object value)
    {
        exposition = value;
    }

    public Signal signal()
    {
        return signal;
    }

    public DetectorKind detectorKind()
    {
        return detector.kind();
    }

    /** The last score (non-negative, in standard deviations), NaN while warming up or without data. */
    public double score()
    {
        return score;
    }

    public boolean active()
    {
        return openEvent != null;
    }

    /** Snapshot of the open event, or null. */
    public AnomalyEvent openEvent()
    {
        return openEvent;
    }

    /** Events opened so far with {@code severity} (severity as known when the event opened). */
    public long events(final Severity severity)
    {
        return severity == Severity.CRITICAL ? criticalEvents : warningEvents;
    }

    /** Runs held by a stall of the service that ended without opening an event. */
    public long heldRuns()
    {
        return suppressor.heldRuns();
    }

    /** Values of runs a stall held that ended without an event, kept out of the detector's level and spread ({@link HeldValues}). */
    public long heldValuesNotInBaseline()
    {
        return detector instanceof AdaptiveDetector adaptive ? adaptive.heldOutOfBaseline() : 0;
    }

    /** Runs above the enter threshold swallowed by cool-downs. */
    public long suppressedRuns()
    {
        return suppressor.suppressedRuns();
    }

    /**
     * Carries the event counts and the detector's learnt state over a restart (see
     * {@link DetectorStateFile}); {@code state} null: the detector relearns. Before the first value.
     */
    void restore(final long warnings, final long criticals, final DataInput state) throws IOException
    {
        warningEvents = warnings;
        criticalEvents = criticals;
        if (state != null)
        {
            detector.readState(state);
        }
    }

    Detector detector()
    {
        return detector;
    }
}
