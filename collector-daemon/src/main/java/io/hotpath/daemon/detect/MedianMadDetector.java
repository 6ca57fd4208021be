package io.hotpath.daemon.detect;

/**
 * Robust z-score: (x − median) / (1.4826 · MAD) over a rolling window of learnt values, the
 * "modified z-score" of Iglewicz and Hoaglin (who suggest 3.5 as the outlier threshold). Median and
 * MAD ignore up to half the window being outliers, and flagged values are additionally kept out of
 * the window, so a long anomaly does not become its own baseline.
 *
 * <p>Kept out only for {@code relearnAfter} consecutive values: a series that stays away that long
 * has moved to a new normal, and from then on its values are learnt again (flagged while the median
 * catches up), instead of being flagged for ever.
 */
public final class MedianMadDetector implements Detector
{
    private final SortedWindow window;
    private final int warmup;
    private final double excludeAbove;
    private final int relearnAfter;
    private final ScaleFloor floor;

    private int excludedRun;
    private double lastMedian = Double.NaN;
    private double lastScale = Double.NaN;

    /**
     * @param window       values in the rolling window
     * @param warmup       values learnt before the first score, at most {@code window}
     * @param excludeAbove |score| from which a value is kept out of the window (use the enter threshold)
     * @param relearnAfter consecutive kept-out values after which values are learnt again
     */
    public MedianMadDetector(
        final int window, final int warmup, final double excludeAbove, final int relearnAfter, final ScaleFloor floor)
    {
        if (warmup < 3 || warmup > window)
        {
            throw new IllegalArgumentException("warmup must be in [3, window=" + window + "]: " + warmup);
        }
        this.window = new SortedWindow(window);
        this.warmup = warmup;
        this.excludeAbove = excludeAbove;
        this.relearnAfter = relearnAfter;
        this.floor = floor;
    }

    @Override
    public DetectorKind kind()
    {
        return DetectorKind.MAD;
    }

    @Override
    public double observe(final double value, final double noiseFloor)
    {
        final int size = window.size();
        if (size < warmup)
        {
            window.add(value);
            if (window.size() == warmup)
            {
                updateBaseline();
            }
            return Double.NaN;
        }
        final double deviation = (value - lastMedian) / Math.max(lastScale, noiseFloor);
        if (Math.abs(deviation) >= excludeAbove && excludedRun < relearnAfter)
        {
            excludedRun++;
            return deviation;
        }
        if (Math.abs(deviation) < excludeAbove)
        {
            excludedRun = 0;
        }
        window.add(value);
        updateBaseline();
        return deviation;
    }

    private void updateBaseline()
    {
        final double median = window.median();
        final double mad = window.mad(median);
        lastMedian = median;
        lastScale = floor.apply(RobustStats.MAD_TO_SIGMA * mad, median);
    }

    @Override
    public double baseline()
    {
        return lastMedian;
    }

    @Override
    public double scale()
    {
        return lastScale;
    }
}
