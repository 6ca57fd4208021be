package io.hotpath.daemon.detect;

/**
 * Level shift: the median of the last {@code testWindow} values against the median of the
 * {@code referenceWindow} values before them, in robust standard deviations (1.4826 · MAD) of the
 * reference. Medians on both sides make it deaf to spikes: a burst shorter than half the test window
 * does not move the test median. A lasting shift of Δ shows within testWindow/2 values as a score
 * of Δ/σ, and fades once the new level fills half the reference window: the event covers the change,
 * not the whole new regime.
 */
public final class LevelShiftDetector implements Detector
{
    private final int testWindow;
    private final int warmup;
    private final ScaleFloor floor;
    private final FloatWindow test;
    private final SortedWindow reference;

    private double lastReferenceMedian = Double.NaN;
    private double lastScale = Double.NaN;

    /**
     * @param testWindow      recent values whose median is tested
     * @param referenceWindow values before them forming the baseline
     * @param warmup          reference values needed before the first score, at most {@code referenceWindow}
     */
    public LevelShiftDetector(final int testWindow, final int referenceWindow, final int warmup, final ScaleFloor floor)
    {
        if (testWindow < 1 || referenceWindow < 3)
        {
            throw new IllegalArgumentException("windows must be >= 1 and >= 3: " + testWindow + ", " + referenceWindow);
        }
        if (warmup < 3 || warmup > referenceWindow)
        {
            throw new IllegalArgumentException("warmup must be in [3, reference window=" + referenceWindow + "]: " + warmup);
        }
        this.testWindow = testWindow;
        this.warmup = warmup;
        this.floor = floor;
        this.test = new FloatWindow(testWindow);
        this.reference = new SortedWindow(referenceWindow);
    }

    @Override
    public DetectorKind kind()
    {
        return DetectorKind.LEVEL_SHIFT;
    }

    @Override
    public double observe(final double value, final double noiseFloor)
    {
        if (test.size() == testWindow)
        {
            // The oldest test value moves on into the reference window.
            final double[] leaving = RobustStats.scratch(testWindow);
            test.copyRecent(testWindow - 1, 1, leaving);
            reference.add(leaving[0]);
        }
        test.add(value);
        if (reference.size() < warmup)
        {
            return Double.NaN;
        }
        final double referenceMedian = reference.median();
        final double scale = Math.max(floor.apply(RobustStats.MAD_TO_SIGMA * reference.mad(referenceMedian), referenceMedian), noiseFloor);
        final double[] scratch = RobustStats.scratch(testWindow);
        test.copyRecent(0, testWindow, scratch);
        final double testMedian = RobustStats.median(scratch, testWindow);
        lastReferenceMedian = referenceMedian;
        lastScale = scale;
        return (testMedian - referenceMedian) / scale;
    }

    @Override
    public double baseline()
    {
        return lastReferenceMedian;
    }

    @Override
    public double scale()
    {
        return lastScale;
    }
}
