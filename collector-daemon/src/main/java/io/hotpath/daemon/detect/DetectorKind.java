package io.hotpath.daemon.detect;

/** The detectors; {@link #label()} is the value of the {@code detector} label. */
public enum DetectorKind
{
    /** {@link EwmaZScoreDetector}: distance from an exponentially weighted mean, in weighted standard deviations. */
    ZSCORE("zscore"),
    /** {@link MedianMadDetector}: distance from a rolling median, in robust standard deviations (MAD). */
    MAD("mad"),
    /** {@link LevelShiftDetector}: shift of a short window's median against the window before it. */
    LEVEL_SHIFT("levelshift"),
    /** {@link AdaptiveDetector}: point, shift, spread and range tests on a learnt normalisation, fused (the default). */
    ADAPTIVE("adaptive");

    private final String label;

    DetectorKind(final String label)
    {
        this.label = label;
    }

    public String label()
    {
        return label;
    }

    public static DetectorKind fromLabel(final String label)
    {
        for (final DetectorKind kind : values())
        {
            if (kind.label.equals(label))
            {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown detector \"" + label + "\"; expected adaptive, zscore, mad or levelshift");
    }
}
