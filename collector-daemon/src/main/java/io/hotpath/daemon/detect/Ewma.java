package io.hotpath.daemon.detect;

/**
 * The exponentially weighted, winsorized mean both EWMA detectors ({@link AdaptiveDetector},
 * {@link EwmaZScoreDetector}) learn with: one place for the two rules they share.
 * <ul>
 * <li>{@link #weight}: the n-th value weighs max(alpha, 1/n), a plain running mean until 1/n drops
 *     to alpha, then exponential (half-life ln 2 / alpha values): the mean starts from the data rather
 *     than from the first value;</li>
 * <li>{@link #clip}: a value is learnt winsorized to mean ± k·σ, so an outlier the detector flags moves
 *     its baseline no more than one at k·σ, while a lasting shift still wins within tens of values.</li>
 * </ul>
 */
final class Ewma
{
    private Ewma()
    {
    }

    /** Weight of the {@code n}-th value (n >= 1) in a mean with weight {@code alpha} once warm. */
    static double weight(final double alpha, final long n)
    {
        return Math.max(alpha, 1.0 / n);
    }

    /** {@code value} limited to {@code center} ± {@code halfWidth}. */
    static double clip(final double value, final double center, final double halfWidth)
    {
        return Math.max(center - halfWidth, Math.min(center + halfWidth, value));
    }
}
