package io.hotpath.daemon.detect;

/**
 * The values of a run the {@link AdaptiveDetector} keeps out of what it learns until the run resolves
 * (see {@link AdaptiveDetector#resolveHeld}): a value that may start an anomaly the monitor has not
 * confirmed yet, or that a stall of the service holds, must not teach the level, the spread, the tests'
 * own distributions nor the range while it is pending: a real change held for 3 to 7 intervals would
 * otherwise be half learnt, its scores shrunk, by the time its run may open. Once it resolves without an
 * event they are learnt (a stall's all but the level and spread). Per value: the value, what
 * the shift and spread tests compared, the spread floor of that interval and the three raw scores.
 *
 * <p>At most {@link #CAPACITY} values, in one array allocated on first use (a series that never has an
 * anomalous run never allocates); no allocation per interval. Single-threaded, like its detector.
 */
final class HeldValues
{
    /** Values kept at most: an inferred stall holds a run up to {@link StallWatch#MAX} intervals. */
    static final int CAPACITY = StallWatch.MAX;
    private static final int FIELDS = 7;

    private double[] values;
    private int count;
    /** The run was held by a stall of the service: its values are the stall's, not the series' level or spread. */
    private boolean stall;

    /** Keeps one value; false when full (the run has lasted: the detector learns its values again). */
    boolean offer(final double value, final double shiftDiff, final double spreadDiff, final double minScale,
        final double rawPoint, final double rawShift, final double rawSpread)
    {
        if (values == null)
        {
            values = new double[FIELDS * CAPACITY];
        }
        if (count == CAPACITY)
        {
            return false;
        }
        final int at = FIELDS * count++;
        values[at] = value;
        values[at + 1] = shiftDiff;
        values[at + 2] = spreadDiff;
        values[at + 3] = minScale;
        values[at + 4] = rawPoint;
        values[at + 5] = rawShift;
        values[at + 6] = rawSpread;
        return true;
    }

    int count()
    {
        return count;
    }

    /** Field {@code field} (0 value … 6 raw spread score, as {@link #offer} takes them) of held value {@code i}. */
    double get(final int i, final int field)
    {
        return values[FIELDS * i + field];
    }

    void markStall()
    {
        stall = true;
    }

    boolean stall()
    {
        return stall;
    }

    void clear()
    {
        count = 0;
        stall = false;
    }
}
