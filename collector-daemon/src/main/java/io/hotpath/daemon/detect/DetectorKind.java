package io.hotpath.daemon.detect;

/** The detectors; {@link #label()} is the value of the {@code detector} label. */
public enum DetectorKind
{
    /** {@link EwmaZScoreDetector}: distance from an exponentially weighted mean, in weighted standard deviations. */
    ZSCORE("zscore"),
    /** {@link MedianMadDetector}: distance from a rolling median, in robust standard deviations (MAD). */
    MAD("mad"),
    /** {@link LevelShiftDetector}: shift of a short window's median against the window before it. */
    LEVEL_SHIFT("levelshift");

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
        throw new IllegalArgumentException("unknown detector \"" + label + "\"; expected zscore, mad or levelshift");
    }
}
