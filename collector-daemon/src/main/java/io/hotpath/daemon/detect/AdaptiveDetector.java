package io.hotpath.daemon.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The default detector: several cheap tests on one learnt, per-series normalisation, fused into one
 * score, so one change is one event whichever test sees it first.
 *
 * <p><b>Normalisation, learnt online.</b> A level {@code m} (exponentially weighted mean, weight
 * {@code alpha} per value, values winsorized to m ± clip·s so outliers barely move it) and a spread
 * {@code s} (weighted mean absolute deviation ×1.25, i.e. σ for Gaussian noise). The spread never
 * goes below floors learnt from the series itself: its quantisation step (the smallest non-zero
 * change between consecutive values: one step of a counter or of a coarse gauge is one σ, not a
 * thousand) and the configured absolute and relative floors.
 *
 * <p><b>Tests</b>, each a signed score in σ of its own learnt distribution:
 * <ul>
 * <li><em>point</em>: (x − m)/s, a spike;</li>
 * <li><em>shift</em>: the mean of the last {@code test_window} values against m, divided by the
 *     learnt typical size of that very difference (so autocorrelated series are not over-read): a level
 *     shift or drift, seen earlier than point-by-point;</li>
 * <li><em>spread</em>: the recent mean absolute deviation against the long-run one, in units of its
 *     own learnt variation: a variance change;</li>
 * <li><em>range</em>: a value beyond the range seen so far by more than 10 % of that range (and at
 *     least 3σ) counts as {@code enter}: a value never seen before.</li>
 * </ul>
 * The fused score is the strongest test in the watched direction; {@link #agreeing()} names the tests
 * at or above {@code enter} for the last value.
 *
 * <p><b>Warm-up</b>: the first {@code warmup} values give no verdict; with the last of them the level
 * and spread restart from their median and MAD, so a few wild values at the start of a series (a
 * JVM's first seconds) do not set its spread for hundreds of intervals.
 *
 * <p><b>After an event opens</b> ({@link #rebase()}) the level is relearnt from the values that follow
 * (their plain mean for {@code relearn_after} values), so a lasting shift becomes the new normal
 * instead of an alert that never ends, and a spike costs nothing afterwards; within {@link #RETURN_WINDOW}
 * values, a value back at the old level restores the level, spread and range from before the event (the
 * anomaly was temporary: what was relearnt during it is not the series' normal).
 *
 * <p>Memory: a few doubles per series; cost: a few dozen flops per value.
 *
 * <p><b>Held values</b>: while the monitor confirms a run, its anomalous values teach nothing until the
 * run resolves ({@link #resolveHeld}, {@link HeldValues}): learnt if it ended without an event (all but
 * the level and spread if a stall of the service held it), dropped if it opened one.
 *
 * <p>Over 400 lines because the four tests, their learning, the robust start and the state kept
 * across restarts ({@link #writeState}) all work on the same two dozen fields; the shared EWMA rules
 * are {@link Ewma}, the seasonal offsets {@link SeasonalProfile}, the held values {@link HeldValues}.
 */
public final class AdaptiveDetector extends EwmaBaseline
{
    /** Bits of {@link #agreeing()}. */
    public static final int POINT = 1;
    public static final int SHIFT = 2;
    public static final int SPREAD = 4;
    public static final int RANGE = 8;

    private static final double GAUSS_MAD = 1.2533;
    private static final double CLIP = 4.0;
    private static final double RANGE_MARGIN = 0.10;
    /** How close to the level before an event a value must come to count as the anomaly's end. */
    static final double RETURN_SIGMAS = 1.5;
    /** Values after an event opened during which a return to its old level restores it (a cool-down's worth). */
    static final int RETURN_WINDOW = 60;
    /** The tracked tail quantile of each test's |score| (0.99) and its value for Gaussian noise. */
    private static final double TAIL_P = 0.99;
    private static final double TAIL_GAUSS = 2.576;
    private static final double TAIL_RATE = 50;
    private static final double DAY_MILLIS = 86_400_000.0;
    private static final boolean SEASONAL = true;
    /** The profile is used while its mean absolute error is below this fraction of the error without it. */
    private static final double SEASON_GAIN = 0.8;
    private static final double RANGE_MIN_POINT = 3;
    /** The point score (σ, in the shift's direction) a value needs for the shift test to count on it. */
    private static final double SHIFT_GATE = 1.0;

    private final double alpha;
    private final double statsAlpha;
    private final double shortAlpha;
    private final int warmup;
    private final double enter;
    private final int relearnAfter;
    private final Direction direction;
    private final ScaleFloor floor;

    private double previous = Double.NaN;
    private double quantum = Double.POSITIVE_INFINITY;
    private double absDev;
    private double shortMean;
    private double shiftDev;
    private double shortAbsDev;
    private double spreadDev;
    private double pointTail = TAIL_GAUSS;
    private double shiftTail = TAIL_GAUSS;
    private double spreadTail = TAIL_GAUSS;
    private final SeasonalProfile profile = new SeasonalProfile();
    private double plainMean;
    private double dayMean;
    private long lastTime = Long.MIN_VALUE;
    private double seasonError;
    private double plainError;
    private double low = Double.POSITIVE_INFINITY;
    private double high = Double.NEGATIVE_INFINITY;
    private int relearnLeft;
    private int relearnSeen;
    private double relearnSum;
    /**
     * The level, spread and range the last event departed from, for {@link #RETURN_WINDOW} values after it opened
     * ({@code preEventLeft}: values left, 0 for none). A value back within {@link #RETURN_SIGMAS} of that level
     * ends the anomaly for the detector: it takes them back instead of what it relearnt while the anomaly lasted (a 15 s drop relearnt as the level
     * made the recovery an anomaly of its own, for a minute).
     */
    private double preEventMean;
    private int preEventLeft;
    private double preEventAbsDev;
    private double preEventScale;
    private double preEventLow;
    private double preEventHigh;
    private int agreeing;
    /** See {@link #holdAnomalous}; the values of a pending run, learnt or dropped once it resolves ({@link #resolveHeld}). */
    private boolean holdAnomalous;
    private final HeldValues heldValues = new HeldValues();
    private long heldOutOfBaseline;
    /** The warm-up values, for the robust start of level and spread; dropped once warm. */
    private double[] warmupValues;

    /**
     * @param alpha        weight of each value in the level (half-life ln 2 / alpha values)
     * @param window       values over which the tests' own distributions are learnt (weight 1/window)
     * @param testWindow   values averaged by the shift and spread tests
     * @param warmup       values learnt before the first verdict
     * @param enter        the score that opens an event (for the range test and {@link #agreeing()})
     * @param relearnAfter values whose plain mean becomes the level after an event opens
     */
    public AdaptiveDetector(final double alpha, final int window, final int testWindow, final int warmup,
        final double enter, final int relearnAfter, final Direction direction, final ScaleFloor floor)
    {
        this.alpha = alpha;
        this.statsAlpha = 1.0 / window;
        this.shortAlpha = 2.0 / (testWindow + 1);
        this.warmup = warmup;
        this.enter = enter;
        this.relearnAfter = relearnAfter;
        this.direction = direction;
        this.floor = floor;
        this.warmupValues = new double[Math.min(warmup, MAX_ROBUST_START)];
    }

    /** At most this many warm-up values are kept for the robust start (the default warm-up is 30). */
    private static final int MAX_ROBUST_START = 256;

    @Override
    public DetectorKind kind()
    {
        return DetectorKind.ADAPTIVE;
    }

    @Override
    public double observe(final double value, final double noiseFloor)
    {
        return observe(Long.MIN_VALUE, value, noiseFloor);
    }

    @Override
    public double observe(final long timeMillis, final double raw, final double noiseFloor)
    {
        final boolean timed = timeMillis != Long.MIN_VALUE && SEASONAL;
        // Seasonality: compare with level + the daily/weekly offset of this time, while that predicts better.
        final double offset = timed && profile.ready(timeMillis) ? profile.expected(timeMillis) : 0;
        final boolean seasonal = offset != 0 && seasonError < SEASON_GAIN * plainError;
        if (timed && observed > 0)
        {
            seasonError += statsAlphaOr(observed) * (Math.abs(raw - mean - offset) - seasonError);
            plainError += statsAlphaOr(observed) * (Math.abs(raw - plainMean) - plainError);
            plainMean += Ewma.weight(alpha, observed) * (raw - plainMean);
        }
        final double value = seasonal ? raw - offset : raw;
        observed++;
        if (observed == 1)
        {
            previous = value;
            mean = value;
            plainMean = value;
            shortMean = value;
            low = value;
            high = value;
            if (warmupValues != null)
            {
                robustStart(value);
            }
            return Double.NaN;
        }
        final double change = Math.abs(value - previous);
        if (change > 0 && change < quantum)
        {
            quantum = change;
        }
        previous = value;
        final boolean warm = observed > warmup;
        // Within the window only: after it the change has lasted, and what was relearnt is the level now.
        if (preEventLeft > 0 && Math.abs(value - preEventMean) <= RETURN_SIGMAS * preEventScale)
        {
            // The anomaly is over: back to the level it departed from, not to what was relearnt while it lasted.
            mean = preEventMean;
            shortMean = preEventMean;
            absDev = preEventAbsDev;
            shortAbsDev = preEventAbsDev;
            low = preEventLow;
            high = preEventHigh;
            relearnLeft = 0;
            preEventLeft = 0;
        }
        else if (preEventLeft > 0)
        {
            preEventLeft--;
        }

        final double minScale = Math.max(floor.apply(Double.isFinite(quantum) ? quantum : 0, mean), noiseFloor);
        final double scale = Math.max(GAUSS_MAD * absDev, minScale);
        lastScale = scale;
        double point = (value - mean) / scale;

        // The recent mean and spread take values winsorized at m ± clip·s: one spike is the point
        // test's, it must not echo in them for the next dozen intervals; a lasting change still moves them.
        final double bounded = Ewma.clip(value, mean, CLIP * scale);
        shortMean += shortAlpha * (bounded - shortMean);
        final double shiftDiff = shortMean - mean;
        double shift = shiftDiff / Math.max(GAUSS_MAD * shiftDev, minScale * shortAlpha);

        shortAbsDev += shortAlpha * (Math.abs(bounded - mean) - shortAbsDev);
        final double spreadDiff = shortAbsDev - absDev;
        double spread = spreadDiff / Math.max(GAUSS_MAD * spreadDev, minScale * shortAlpha);

        // Tail calibration: a series whose scores' 99th percentile is above the Gaussian one (heavy
        // tails, bursts) has its scores shrunk by that ratio, so that "5" means as rare as it says.
        final double rawPoint = point;
        final double rawShift = shift;
        final double rawSpread = spread;
        point *= TAIL_GAUSS / Math.max(TAIL_GAUSS, pointTail);
        shift *= TAIL_GAUSS / Math.max(TAIL_GAUSS, shiftTail);
        final double range = high - low;
        final boolean novel = warm && range > 0
            && (value > high + RANGE_MARGIN * range || value < low - RANGE_MARGIN * range) && Math.abs(point) >= RANGE_MIN_POINT;

        // A value that may start an anomaly the monitor has not confirmed yet (or that a stall holds) teaches
        // nothing while its run is pending: not the level, the spread, the tests' distributions, the range. A
        // real change would otherwise shrink its own scores while it is being confirmed (a spike held 3-7
        // intervals near a stall looked normal when the hold ended). Resolved by resolveHeld once the run ends.
        final boolean held = holdAnomalous && warm && relearnLeft == 0
            && ((direction != Direction.DOWN && anomalous(point, rawPoint, shift, spread, novel && value > mean))
                || (direction != Direction.UP && anomalous(-point, -rawPoint, -shift, spread, novel && value < mean)));
        // Learn: running means while warming up, then exponential weights; outliers winsorized.
        if (relearnLeft > 0)
        {
            relearnSum += value;
            relearnSeen++;
            relearnLeft--;
            mean = relearnSum / relearnSeen;
            shortMean = mean;
            shortAbsDev = absDev;
            low = Math.min(low, value);
            high = Math.max(high, value);
            learnSeason(timed, timeMillis, raw, value, offset, seasonal, scale);
        }
        else if (!held || !heldValues.offer(value, shiftDiff, spreadDiff, minScale, rawPoint, rawShift, rawSpread))
        {
            if (!holdAnomalous)
            {
                resolveHeld(false, false); // holding switched off: what was held is learnt
            }
            learn(value, shiftDiff, spreadDiff, minScale, rawPoint, rawShift, rawSpread, true);
            learnSeason(timed, timeMillis, raw, value, offset, seasonal, scale);
        }
        if (warmupValues != null)
        {
            robustStart(value);
        }

        if (!warm)
        {
            agreeing = 0;
            return Double.NaN;
        }
        // A wider spread counts in the direction the value moved, by a spread at least (a latency falling back is no
        // anomaly, nor is a value back at its level while the recent spread still echoes a stall or a blip).
        // A shift counts while the value itself stays on its side of the level: after a blip the recent
        // mean echoes it for a dozen intervals, but the values are back, and that is no lasting change.
        final double upShift = point >= SHIFT_GATE ? shift : 0;
        final double downShift = point <= -SHIFT_GATE ? -shift : 0;
        final double up = Math.max(Math.max(point, upShift), Math.max(rawPoint >= SHIFT_GATE ? spread : 0, novel && value > mean ? enter : 0));
        final double down = Math.max(Math.max(-point, downShift), Math.max(rawPoint <= -SHIFT_GATE ? spread : 0, novel && value < mean ? enter : 0));
        int bits = 0;
        final double sign = direction == Direction.DOWN || (direction == Direction.BOTH && down > up) ? -1 : 1;
        bits |= sign * point >= enter ? POINT : 0;
        bits |= sign * shift >= enter && sign * point >= SHIFT_GATE ? SHIFT : 0;
        bits |= sign * rawPoint >= SHIFT_GATE && spread >= enter ? SPREAD : 0;
        bits |= novel ? RANGE : 0;
        agreeing = bits;
        return sign > 0 ? up : -down;
    }

    /** The daily/weekly profile learns a value it did not hold (against a level that moves over days, not hours). */
    private void learnSeason(final boolean timed, final long timeMillis, final double raw, final double value,
        final double offset, final boolean seasonal, final double scale)
    {
        if (!timed)
        {
            return;
        }
        final double learntValue = Ewma.clip(value, mean, CLIP * scale);
        // The profile learns against a level that moves over days, not hours, so it keeps the cycle.
        final double rawLearnt = seasonal ? learntValue + offset : learntValue;
        if (lastTime != Long.MIN_VALUE && timeMillis > lastTime)
        {
            final double dayWeight = Math.min(1.0, (double)(timeMillis - lastTime) / DAY_MILLIS);
            dayMean += Math.max(dayWeight, 1.0 / observed) * (rawLearnt - dayMean);
        }
        else if (lastTime == Long.MIN_VALUE)
        {
            dayMean = raw;
        }
        lastTime = timeMillis;
        profile.learn(timeMillis, rawLearnt - dayMean);
    }

    /**
     * Learns one value: level and spread (winsorized at m ± clip·s), the shift and spread tests' own
     * spreads, their tails and the range; now, or once the run that held it ended without an event.
     */
    private void learn(final double value, final double shiftDiff, final double spreadDiff, final double minScale,
        final double rawPoint, final double rawShift, final double rawSpread, final boolean baseline)
    {
        final long learnt = observed - 1;
        final double weight = Ewma.weight(alpha, learnt);
        final double statsWeight = Ewma.weight(statsAlpha, learnt);
        final double scale = Math.max(GAUSS_MAD * absDev, minScale);
        final double deviation = Math.abs(value - mean);
        if (baseline)
        {
            mean += weight * (Ewma.clip(value, mean, CLIP * scale) - mean);
            absDev += statsWeight * (Math.min(deviation, CLIP * scale) - absDev);
        }
        final double shiftScale = Math.max(GAUSS_MAD * shiftDev, minScale * shortAlpha);
        shiftDev += statsWeight * (Math.min(Math.abs(shiftDiff), CLIP * shiftScale) - shiftDev);
        final double spreadScale = Math.max(GAUSS_MAD * spreadDev, minScale * shortAlpha);
        spreadDev += statsWeight * (Math.min(Math.abs(spreadDiff), CLIP * spreadScale) - spreadDev);
        learnTails(rawPoint, rawShift, rawSpread, statsWeight);
        low = Math.min(low, value);
        high = Math.max(high, value);
    }

    /** Whether these (direction-signed) scores open a run: the fused score's rule, before the gate's sign. */
    private boolean anomalous(final double point, final double rawPoint, final double shift, final double spread, final boolean novel)
    {
        return point >= enter || (point >= SHIFT_GATE && shift >= enter) || (rawPoint >= SHIFT_GATE && spread >= enter) || novel;
    }

    private void learnTails(final double rawPoint, final double rawShift, final double rawSpread, final double statsWeight)
    {
        // Constant steps (not 1/n): a few early exceedances must not inflate the tail for hundreds of values.
        if (observed > warmup / 2)
        {
            pointTail = trackQuantile(pointTail, Math.abs(rawPoint), statsAlpha);
            shiftTail = trackQuantile(shiftTail, Math.abs(rawShift), statsAlpha);
        }
        spreadTail = trackQuantile(spreadTail, rawSpread, statsWeight);
    }

    /**
     * The run the held values belong to: {@code pending} whether it goes on (the monitor's suppressor has
     * it pending), {@code stall} whether a stall of the service held it. A run that ended without an event
     * is learnt now, in order (a blip of a heavy-tailed series is still learnt). One a stall held teaches all
     * but the baseline: its values are the stall's (the JVM or host starved), not the series' level or
     * spread, but how heavy the series' tails are on this host, its range and its tests' own spreads are
     * learnt from them as from any (dropped, on a host that stalls often, the tails stay those of a quiet
     * host and the unattributed stalls are raised: 4 events in 150 s of steady demo traffic). A run that
     * opened an event was dropped by {@link #rebase()}. Called by the monitor after each interval's verdict.
     */
    void resolveHeld(final boolean pending, final boolean stall)
    {
        if (stall)
        {
            heldValues.markStall();
        }
        if (pending || heldValues.count() == 0)
        {
            return;
        }
        final boolean baseline = !heldValues.stall();
        heldOutOfBaseline += baseline ? 0 : heldValues.count();
        for (int i = 0; i < heldValues.count(); i++)
        {
            learn(heldValues.get(i, 0), heldValues.get(i, 1), heldValues.get(i, 2), heldValues.get(i, 3),
                heldValues.get(i, 4), heldValues.get(i, 5), heldValues.get(i, 6), baseline);
        }
        heldValues.clear();
    }

    /** Values held by a stall whose run ended without an event, kept out of the level and spread. */
    long heldOutOfBaseline()
    {
        return heldOutOfBaseline;
    }

    /**
     * While {@code hold} (the monitor confirms runs over several values and has no open event), a
     * value scoring at or above {@code enter} teaches nothing (level, spread, tails, range) until its run
     * resolves ({@link #resolveHeld}); with a single value opening an event (the backtest's default),
     * every value is learnt at once.
     */
    public void holdAnomalous(final boolean hold)
    {
        holdAnomalous = hold;
    }

    /**
     * Keeps the warm-up values; with the last one, restarts level and spread from their median and
     * MAD. The running means learnt so far weigh every warm-up value alike, so a few wild values at
     * the start (a JVM's first seconds: class loading, JIT) would set the spread for hundreds of
     * intervals and hide a change that follows; the median and MAD ignore up to half of them.
     */
    private void robustStart(final double value)
    {
        final int index = (int)(observed - 1);
        if (index < warmupValues.length)
        {
            warmupValues[index] = value;
        }
        if (observed < warmup)
        {
            return;
        }
        final int length = Math.min(warmupValues.length, (int)Math.min(observed, Integer.MAX_VALUE));
        final double median = RobustStats.median(warmupValues, length);
        final double spread = RobustStats.MAD_TO_SIGMA * RobustStats.mad(warmupValues, length, median) / GAUSS_MAD;
        warmupValues = null;
        if (relearnLeft > 0)
        {
            return; // an event already opened (during warm-up only in tests): the relearning decides the level
        }
        mean = median;
        shortMean = median;
        if (spread > 0)
        {
            absDev = spread;
            shortAbsDev = spread;
        }
    }

    private double statsAlphaOr(final long n)
    {
        return Ewma.weight(statsAlpha, n);
    }

    /** Stochastic approximation of the {@link #TAIL_P} quantile: up a lot when exceeded, down a little otherwise. */
    private static double trackQuantile(final double q, final double x, final double weight)
    {
        if (!Double.isFinite(x))
        {
            return q;
        }
        final double step = TAIL_RATE * weight * Math.max(q, 1.0);
        return x > q ? q + step : Math.max(1.0, q - step * (1 - TAIL_P) / TAIL_P);
    }

    @Override
    public boolean writeState(final DataOutput out) throws IOException
    {
        out.writeLong(observed);
        out.writeDouble(previous);
        out.writeDouble(quantum);
        out.writeDouble(mean);
        out.writeDouble(absDev);
        out.writeDouble(shortMean);
        out.writeDouble(shiftDev);
        out.writeDouble(shortAbsDev);
        out.writeDouble(spreadDev);
        out.writeDouble(pointTail);
        out.writeDouble(shiftTail);
        out.writeDouble(spreadTail);
        out.writeDouble(plainMean);
        out.writeDouble(dayMean);
        out.writeLong(lastTime);
        out.writeDouble(seasonError);
        out.writeDouble(plainError);
        out.writeDouble(low);
        out.writeDouble(high);
        out.writeInt(relearnLeft);
        out.writeInt(relearnSeen);
        out.writeDouble(relearnSum);
        out.writeDouble(lastScale);
        out.writeInt(warmupValues == null ? -1 : warmupValues.length);
        Ewma.writeDoubles(out, warmupValues == null ? new double[0] : warmupValues);
        profile.writeState(out);
        return true;
    }

    @Override
    public void readState(final DataInput in) throws IOException
    {
        observed = in.readLong();
        previous = in.readDouble();
        quantum = in.readDouble();
        mean = in.readDouble();
        absDev = in.readDouble();
        shortMean = in.readDouble();
        shiftDev = in.readDouble();
        shortAbsDev = in.readDouble();
        spreadDev = in.readDouble();
        pointTail = in.readDouble();
        shiftTail = in.readDouble();
        spreadTail = in.readDouble();
        plainMean = in.readDouble();
        dayMean = in.readDouble();
        lastTime = in.readLong();
        seasonError = in.readDouble();
        plainError = in.readDouble();
        low = in.readDouble();
        high = in.readDouble();
        relearnLeft = in.readInt();
        relearnSeen = in.readInt();
        relearnSum = in.readDouble();
        lastScale = in.readDouble();
        final int kept = in.readInt();
        if (kept > MAX_ROBUST_START)
        {
            throw new IOException("bad warm-up length " + kept);
        }
        warmupValues = kept < 0 ? null : new double[Math.max(kept, Math.min(warmup, MAX_ROBUST_START))];
        if (kept > 0)
        {
            System.arraycopy(Ewma.readDoubles(in, kept), 0, warmupValues, 0, kept);
        }
        profile.readState(in);
    }

    /** Twice the warm-up seen: the tails had as many values again to be learnt. */
    @Override
    public boolean seasoned()
    {
        return observed > 2L * warmup;
    }

    /** An event opened: relearn the level from the next {@code relearn_after} values. */
    @Override
    public void rebase()
    {
        heldValues.clear(); // the values that opened it were the anomaly, not the series' normal
        preEventMean = mean;
        preEventLeft = RETURN_WINDOW;
        preEventAbsDev = absDev;
        preEventScale = lastScale;
        preEventLow = low;
        preEventHigh = high;
        if (relearnAfter > 0)
        {
            relearnLeft = relearnAfter;
            relearnSeen = 0;
            relearnSum = 0;
        }
    }

    /** The tests at or above {@code enter} for the last value, as {@link #POINT} … {@link #RANGE} bits. */
    public int agreeing()
    {
        return agreeing;
    }

    /** Names of the tests in {@code bits}, e.g. "point+shift". */
    public static String names(final int bits)
    {
        final StringBuilder names = new StringBuilder();
        final String[] all = {"point", "shift", "spread", "range"};
        for (int i = 0; i < all.length; i++)
        {
            if ((bits & (1 << i)) != 0)
            {
                names.append(names.length() == 0 ? "" : "+").append(all[i]);
            }
        }
        return names.toString();
    }
}
