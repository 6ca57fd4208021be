package io.hotpath.daemon.detect;

/**
 * What the two EWMA detectors ({@link AdaptiveDetector}, {@link EwmaZScoreDetector}) keep alike: the
 * values seen, the learnt level (their {@link #baseline()}) and the spread of the last score (their
 * {@link #scale()}). The learning rules they share are {@link Ewma}'s.
 */
abstract class EwmaBaseline implements Detector
{
    /** Values seen. */
    long observed;
    /** The learnt level, NaN before the first value. */
    double mean = Double.NaN;
    /** The denominator of the last score, after the floors. */
    double lastScale = Double.NaN;

    @Override
    public final double baseline()
    {
        return mean;
    }

    @Override
    public final double scale()
    {
        return lastScale;
    }
}
