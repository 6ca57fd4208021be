package io.hotpath.daemon.aggregate;

/**
 * The exact scalars kept beside a block of histogram bucket counts: the samples, errors, payload bytes
 * and nanoseconds summed. {@link SparseCounts} and {@link WindowScratch} add to them; {@link
 * CompactCounts} sets them once, in its constructor. All three are owned by the aggregation thread.
 */
public abstract class CountScalars
{
    long totalCount;
    long errorCount;
    long payloadBytes;
    long sumNanos;

    CountScalars()
    {
    }

    public final long totalCount()
    {
        return totalCount;
    }

    public final long errorCount()
    {
        return errorCount;
    }

    public final long payloadBytes()
    {
        return payloadBytes;
    }

    public final long sumNanos()
    {
        return sumNanos;
    }
}
