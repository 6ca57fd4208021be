package io.hotpath.daemon.detect;

/**
 * Which deviations count as anomalous. Latency and error ratio only hurt when they rise; throughput
 * matters both ways (a drop is an outage upstream, a surge a retry storm).
 */
public enum Direction
{
    UP("up"), DOWN("down"), BOTH("both");

    private final String label;

    Direction(final String label)
    {
        this.label = label;
    }

    public String label()
    {
        return label;
    }

    /** The anomaly score of a signed deviation: its size in the watched direction, else 0; NaN stays NaN. */
    public double score(final double deviation)
    {
        if (Double.isNaN(deviation))
        {
            return Double.NaN;
        }
        return switch (this)
        {
            case UP -> Math.max(0.0, deviation);
            case DOWN -> Math.max(0.0, -deviation);
            case BOTH -> Math.abs(deviation);
        };
    }

    public static Direction fromLabel(final String label)
    {
        for (final Direction direction : values())
        {
            if (direction.label.equals(label))
            {
                return direction;
            }
        }
        throw new IllegalArgumentException("unknown direction \"" + label + "\"; expected up, down or both");
    }
}
