package io.hotpath.daemon.detect;

/**
 * The last {@code capacity} values of a signal, oldest first. Stored as floats: 7 significant digits
 * are plenty for latencies, ratios and rates, and the detector windows are most of the anomaly
 * engine's memory per series.
 */
final class FloatWindow
{
    private final float[] values;
    private int next;
    private int size;

    FloatWindow(final int capacity)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
        }
        values = new float[capacity];
    }

    void add(final double value)
    {
        values[next] = (float)value;
        next = next + 1 == values.length ? 0 : next + 1;
        if (size < values.length)
        {
            size++;
        }
    }

    int size()
    {
        return size;
    }

    int capacity()
    {
        return values.length;
    }

    /**
     * Copies {@code count} values, starting {@code fromNewest} values back from the newest one
     * (0 = include the newest), into {@code target[0, count)}.
     */
    void copyRecent(final int fromNewest, final int count, final double[] target)
    {
        if (fromNewest + count > size)
        {
            throw new IllegalArgumentException("window holds " + size + " values, asked for " + (fromNewest + count));
        }
        final int capacity = values.length;
        int index = next - fromNewest - count;
        if (index < 0)
        {
            index += capacity;
        }
        for (int i = 0; i < count; i++)
        {
            target[i] = values[index];
            index = index + 1 == capacity ? 0 : index + 1;
        }
    }
}
