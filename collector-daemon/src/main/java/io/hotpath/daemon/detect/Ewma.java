package io.hotpath.daemon.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

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

    /** Writes {@code values} in order, for a detector's {@link Detector#writeState}. */
    static void writeDoubles(final DataOutput out, final double... values) throws IOException
    {
        for (final double value : values)
        {
            out.writeDouble(value);
        }
    }

    /** Reads {@code count} doubles written by {@link #writeDoubles}. */
    static double[] readDoubles(final DataInput in, final int count) throws IOException
    {
        final double[] values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = in.readDouble();
        }
        return values;
    }
}
