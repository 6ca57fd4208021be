package io.hotpath.daemon.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Z-score against an exponentially weighted moving baseline: mean and variance updated with weight
 * {@code alpha} per value (the incremental form of Finch, "Incremental calculation of weighted mean
 * and variance", 2009), score = (x − mean) / max(σ, floors).
 *
 * <p>Not fooled by its own outliers: a value is learnt <em>winsorized</em> to mean ± {@code clip}·σ,
 * so a spike of 50σ moves the baseline no more than one of 3σ. A lasting shift still wins: each
 * clipped value pulls the mean by alpha·clip·σ and widens σ (by up to 17 % per value at alpha 0.05, clip 3),
 * so the baseline absorbs a new level within some ten to twenty values instead of flagging it for
 * ever. The z-score is the detector of sudden changes; the MAD detector keeps a longer anomaly open.
 *
 * <p>Weights and winsorizing are {@link Ewma} ones, shared with the {@link AdaptiveDetector}: during the
 * first {@code warmup} values a plain running mean and variance, so the baseline starts from the data.
 */
public final class EwmaZScoreDetector extends EwmaBaseline
{
    private final double alpha;
    private final int warmup;
    private final double clip;
    private final ScaleFloor floor;

    private double variance;

    /**
     * @param alpha  weight of each new value, (0, 1); half-life ln 2 / alpha values
     * @param warmup values learnt before the first score
     * @param clip   learnt values are clipped to mean ± clip·σ (use the enter threshold)
     */
    public EwmaZScoreDetector(final double alpha, final int warmup, final double clip, final ScaleFloor floor)
    {
        if (!(alpha > 0 && alpha < 1))
        {
            throw new IllegalArgumentException("alpha must be in (0, 1): " + alpha);
        }
        if (warmup < 2)
        {
            throw new IllegalArgumentException("warmup must be >= 2: " + warmup);
        }
        this.alpha = alpha;
        this.warmup = warmup;
        this.clip = clip;
        this.floor = floor;
    }

    @Override
    public DetectorKind kind()
    {
        return DetectorKind.ZSCORE;
    }

    @Override
    public double observe(final double value, final double noiseFloor)
    {
        if (observed == 0)
        {
            observed = 1;
            mean = value;
            variance = 0;
            return Double.NaN;
        }
        final double scale = Math.max(floor.apply(Math.sqrt(variance), mean), noiseFloor);
        lastScale = scale;
        final double deviation = (value - mean) / scale;
        final boolean warm = observed >= warmup;

        final double learnt = warm ? Ewma.clip(value, mean, clip * scale) : value;
        final double weight = warm ? alpha : Ewma.weight(alpha, observed + 1);
        final double diff = learnt - mean;
        final double increment = weight * diff;
        mean += increment;
        variance = (1 - weight) * (variance + diff * increment);
        observed++;

        return warm ? deviation : Double.NaN;
    }

    @Override
    public boolean writeState(final DataOutput out) throws IOException
    {
        out.writeLong(observed);
        Ewma.writeDoubles(out, mean, variance, lastScale);
        return true;
    }

    @Override
    public void readState(final DataInput in) throws IOException
    {
        observed = in.readLong();
        final double[] learnt = Ewma.readDoubles(in, 3);
        mean = learnt[0];
        variance = learnt[1];
        lastScale = learnt[2];
    }

    /** The learnt standard deviation before floors. */
    public double standardDeviation()
    {
        return Math.sqrt(variance);
    }
}
