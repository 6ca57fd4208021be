package io.hotpath.daemon.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * One anomaly detector over one signal of one series. Single-threaded: the owner (an
 * {@link AnomalyMonitor}) feeds it one value per interval.
 *
 * <p>{@link #observe} first scores the value against the baseline learnt from the values before it,
 * then learns from it, each detector in its own robust way so that the outliers it flags do not
 * drag its baseline towards them. The score is signed and in units of the baseline's (robust)
 * standard deviation, so one set of thresholds reads the same for every detector and signal; the
 * {@link Direction} decides which sign counts. During warm-up the score is NaN: no verdict.
 */
public interface Detector
{
    DetectorKind kind();

    /** Signed deviation of {@code value} from the baseline, in standard deviations; NaN while warming up. */
    default double observe(final double value)
    {
        return observe(value, 0);
    }

    /**
     * As {@link #observe(double)}, with the spread for this value's score raised to at least
     * {@code noiseFloor}: the sampling noise of this one value (an error ratio over few calls), which
     * the baseline's own spread cannot know.
     */
    double observe(double value, double noiseFloor);

    /**
     * As {@link #observe(double, double)} for the interval starting at {@code timeMillis} (epoch
     * milliseconds): detectors with a time-of-day baseline use it.
     */
    default double observe(final long timeMillis, final double value, final double noiseFloor)
    {
        return observe(value, noiseFloor);
    }

    /**
     * An event just opened on this detector's score: a detector that can, relearns its baseline from
     * the values that follow (a lasting shift becomes the new normal).
     */
    default void rebase()
    {
    }

    /**
     * Whether the detector has seen enough of its series to trust one extreme value alone (a critical
     * score opening an event at once). Just after warm-up a heavy-tailed series' first big value looks
     * critical against a spread learnt from its bulk.
     */
    default boolean seasoned()
    {
        return true;
    }

    /**
     * Writes what the detector learnt, for {@link DetectorStateFile}; false when it keeps nothing
     * across a restart (it learns again).
     */
    default boolean writeState(final DataOutput out) throws IOException
    {
        return false;
    }

    /** Reads what {@link #writeState} wrote (by a detector of the same kind). */
    default void readState(final DataInput in) throws IOException
    {
    }

    /** The value the detector expected (mean or median), NaN before the first value. */
    double baseline();

    /** The denominator of the last score: the baseline's spread after the floors. */
    double scale();

    /**
     * The smallest spread a detector assumes, so that a flat series (every error ratio 0, MAD 0) does
     * not turn a tiny change into an infinite score: the larger of an absolute floor in the signal's
     * unit and a fraction of the baseline.
     */
    record ScaleFloor(double absolute, double relative)
    {
        public ScaleFloor
        {
            if (!(absolute >= 0) || !(relative >= 0))
            {
                throw new IllegalArgumentException("scale floors must be >= 0: " + absolute + ", " + relative);
            }
        }

        /** The spread to divide by: {@code spread} raised to the floors, and never 0. */
        public double apply(final double spread, final double baseline)
        {
            return Math.max(Math.max(spread, absolute), Math.max(relative * Math.abs(baseline), 1e-12));
        }
    }
}
