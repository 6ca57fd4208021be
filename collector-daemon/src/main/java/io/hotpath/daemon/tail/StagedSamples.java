package io.hotpath.daemon.tail;

import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.aggregate.Series;
import java.util.Arrays;

/**
 * One document's samples, staged while the document decodes and handed to the aggregator only once
 * it decoded whole ({@link #commit}): a document counts all or nothing. Column arrays that grow to
 * the largest document seen, so staging allocates nothing per sample. Owned by one {@link QueueTailer}.
 */
final class StagedSamples
{
    private Series[] series = new Series[256];
    private long[] end = new long[256];
    private long[] duration = new long[256];
    private long[] payload = new long[256];
    private int[] errorIndex = new int[256];
    private boolean[] error = new boolean[256];
    private boolean[] traced = new boolean[256];
    private long[] traceHigh = new long[256];
    private long[] traceLow = new long[256];
    private long[] span = new long[256];
    private boolean[] writtenLate = new boolean[256];
    private int size;

    int size()
    {
        return size;
    }

    /** Drops what is staged (the document failed): none of it is counted. */
    void clear()
    {
        Arrays.fill(series, 0, size, null);
        size = 0;
    }

    void add(final Series s, final long endEpochNanos, final long durationNanos, final boolean isError, final int errorTypeIndex,
        final long payloadBytes, final boolean isTraced, final long traceIdHigh, final long traceIdLow, final long spanId,
        final boolean isWrittenLate)
    {
        if (size == series.length)
        {
            grow();
        }
        final int i = size++;
        series[i] = s;
        end[i] = endEpochNanos;
        duration[i] = durationNanos;
        error[i] = isError;
        errorIndex[i] = errorTypeIndex;
        payload[i] = payloadBytes;
        traced[i] = isTraced;
        traceHigh[i] = traceIdHigh;
        traceLow[i] = traceIdLow;
        span[i] = spanId;
        writtenLate[i] = isWrittenLate;
    }

    /**
     * Hands the staged samples to {@code aggregator} and clears the stage.
     *
     * @return the latest sample end (epoch nanos), at least {@code latestEnd}.
     */
    long commit(final Aggregator aggregator, final long latestEnd)
    {
        long latest = latestEnd;
        for (int i = 0, n = size; i < n; i++)
        {
            final long e = end[i];
            aggregator.record(series[i], e, duration[i], error[i], errorIndex[i], payload[i], traced[i], traceHigh[i], traceLow[i], span[i]);
            if (writtenLate[i])
            {
                aggregator.countWrittenLate(series[i], e);
            }
            if (e > latest)
            {
                latest = e;
            }
            series[i] = null;
        }
        size = 0;
        return latest;
    }

    private void grow()
    {
        final int length = series.length * 2;
        series = Arrays.copyOf(series, length);
        end = Arrays.copyOf(end, length);
        duration = Arrays.copyOf(duration, length);
        payload = Arrays.copyOf(payload, length);
        errorIndex = Arrays.copyOf(errorIndex, length);
        error = Arrays.copyOf(error, length);
        traced = Arrays.copyOf(traced, length);
        traceHigh = Arrays.copyOf(traceHigh, length);
        traceLow = Arrays.copyOf(traceLow, length);
        span = Arrays.copyOf(span, length);
        writtenLate = Arrays.copyOf(writtenLate, length);
    }
}
