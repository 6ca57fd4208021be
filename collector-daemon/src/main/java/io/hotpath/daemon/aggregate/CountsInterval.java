package io.hotpath.daemon.aggregate;

/**
 * A {@link ClosedInterval} over one {@link SparseCounts}: the statistics listeners read, computed from
 * the counts. {@link Series} (the last closed second) and {@link LateIntervals} (a minute of late samples)
 * differ only in which counts, start and series they show.
 *
 * <p>Not thread-safe: the quantile scratch is reused; owned by the aggregation thread.
 */
abstract class CountsInterval implements ClosedInterval
{
    private final long[] quantileScratch = new long[1];
    private final double[] quantileRequest = new double[1];

    @Override
    public abstract SparseCounts counts();

    @Override
    public long count()
    {
        return counts().totalCount();
    }

    @Override
    public long errorCount()
    {
        return counts().errorCount();
    }

    @Override
    public long payloadBytes()
    {
        return counts().payloadBytes();
    }

    @Override
    public long quantileNanos(final double quantile)
    {
        final SparseCounts counts = counts();
        if (counts.isEmpty())
        {
            return 0;
        }
        quantileRequest[0] = quantile;
        Quantiles.compute(counts, null, quantileRequest, quantileScratch);
        return quantileScratch[0];
    }

    @Override
    public double meanNanos()
    {
        return counts().meanNanos();
    }

    @Override
    public long countAtOrBelow(final long thresholdNanos)
    {
        return counts().countAtOrBelow(thresholdNanos);
    }
}
