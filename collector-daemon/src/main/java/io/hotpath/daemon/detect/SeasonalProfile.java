package io.hotpath.daemon.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Daily and weekly baselines of one signal, streaming and bounded: a daily profile of 48 half-hour
 * buckets (read with linear interpolation between bucket centres, so a smooth cycle stays smooth)
 * and one offset per day of the week on top of it; 55 floats per signal whatever the interval.
 *
 * <p>Each bucket learns the residual of the values falling into it against the detector's
 * deseasonalised level, with a weight per day of {@code 1/7} (so about a week of memory) spread over
 * the visits a bucket gets in a day. The daily profile takes part in predictions once two days have
 * been seen, the weekly offsets once two weeks have; the detector also uses the profile only while it
 * predicts better than no profile (see {@link AdaptiveDetector}). Times are UTC epoch milliseconds.
 */
final class SeasonalProfile
{
    static final int BUCKETS = 48;
    private static final long DAY = 86_400_000L;
    private static final long WEEK = 7 * DAY;
    private static final long BUCKET = DAY / BUCKETS;
    private static final double PER_DAY = 1.0 / 7;
    /** Weekly offsets are used once every weekday has been learnt once after the daily profile started. */
    private static final long WEEKLY_AFTER = 9 * DAY;
    /** Weekly offsets: weight of one day's values (each weekday comes once a week). */
    private static final double WEEKLY_PER_DAY = 0.3;

    private final float[] daily = new float[BUCKETS];
    private final float[] weekly = new float[7];
    private long first = Long.MIN_VALUE;
    private long last = Long.MIN_VALUE;
    private double stepMillis;

    /** The seasonal offset expected at {@code time}: 0 until two days (weekly: two weeks) have been seen. */
    double expected(final long time)
    {
        if (first == Long.MIN_VALUE || time - first < 2 * DAY)
        {
            return 0;
        }
        double offset = dailyAt(time);
        if (time - first >= WEEKLY_AFTER)
        {
            offset += weekly[dayOfWeek(time)];
        }
        return offset;
    }

    /** Learns that the value at {@code time} was {@code residual} above the deseasonalised level. */
    void learn(final long time, final double residual)
    {
        if (first == Long.MIN_VALUE)
        {
            first = time;
        }
        if (last != Long.MIN_VALUE && time > last)
        {
            final double gap = Math.min(time - last, BUCKET);
            stepMillis = stepMillis == 0 ? gap : stepMillis + 0.01 * (gap - stepMillis);
        }
        last = Math.max(last, time);
        if (stepMillis == 0)
        {
            return;
        }
        final double visitsPerDay = Math.max(1.0, BUCKET / stepMillis);
        final double weight = PER_DAY / visitsPerDay;
        // daily: spread the error over the two buckets the reading interpolates between
        final double position = positionOf(time);
        final int lower = (int)Math.floor(position);
        final double frac = position - lower;
        final int a = Math.floorMod(lower, BUCKETS);
        final int b = Math.floorMod(lower + 1, BUCKETS);
        final double error = residual - dailyAt(time) - (time - first >= WEEKLY_AFTER ? weekly[dayOfWeek(time)] : 0);
        daily[a] += (float)(weight * (1 - frac) * error);
        daily[b] += (float)(weight * frac * error);
        if (time - first >= 2 * DAY)
        {
            final double dayWeight = WEEKLY_PER_DAY / (visitsPerDay * BUCKETS);
            final int d = dayOfWeek(time);
            weekly[d] += (float)(dayWeight * (residual - dailyAt(time) - weekly[d]));
        }
    }

    /** Whether the profile can take part in predictions at {@code time}. */
    boolean ready(final long time)
    {
        return first != Long.MIN_VALUE && time - first >= 2 * DAY && stepMillis > 0 && stepMillis <= BUCKET;
    }

    private double dailyAt(final long time)
    {
        final double position = positionOf(time);
        final int lower = (int)Math.floor(position);
        final double frac = position - lower;
        return daily[Math.floorMod(lower, BUCKETS)] * (1 - frac) + daily[Math.floorMod(lower + 1, BUCKETS)] * frac;
    }

    /** Position in buckets, 0 at the centre of bucket 0. */
    private static double positionOf(final long time)
    {
        return Math.floorMod(time, DAY) / (double)BUCKET - 0.5;
    }

    private static int dayOfWeek(final long time)
    {
        return (int)Math.floorMod(Math.floorDiv(time, DAY), 7L);
    }

    void writeState(final DataOutput out) throws IOException
    {
        for (final float value : daily)
        {
            out.writeFloat(value);
        }
        for (final float value : weekly)
        {
            out.writeFloat(value);
        }
        out.writeLong(first);
        out.writeLong(last);
        out.writeDouble(stepMillis);
    }

    void readState(final DataInput in) throws IOException
    {
        for (int i = 0; i < daily.length; i++)
        {
            daily[i] = in.readFloat();
        }
        for (int i = 0; i < weekly.length; i++)
        {
            weekly[i] = in.readFloat();
        }
        first = in.readLong();
        last = in.readLong();
        stepMillis = in.readDouble();
    }
}
