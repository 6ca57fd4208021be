package io.hotpath.daemon.aggregate;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * All the daemon knows about one series: the open interval, the last closed interval, the windows,
 * the cumulative counters Prometheus scrapes (checkpointed, so they survive restarts) and exemplars.
 *
 * <p>Between rotations it is also the {@link ClosedInterval} handed to listeners: a view over the
 * last closed interval, reused every second.
 *
 * <p>Not thread-safe: owned by the aggregation thread. Readers get {@link SeriesSnapshot}s.
 */
public final class Series extends CountsInterval
{
    private final SeriesKey key;
    private final long[] bucketBoundsNanos;
    /** The second being recorded ({@link Aggregator#openSecond}). */
    IntervalCounts open = new IntervalCounts();
    /**
     * Samples of the seconds after the open one, read while the open second is still held open for late writers
     * ({@link Aggregator#closeGraceMillis}); becomes {@link #open} when it closes. Created at the first such sample.
     */
    private IntervalCounts next;
    /** The earliest second recorded into {@link #next}: it becomes {@link #open} when the second before that closes. */
    private long nextFirstSecond = Long.MAX_VALUE;
    final SparseCounts lastClosed = new SparseCounts();
    final WindowTiers windows;
    private long lastClosedStartMillis;
    private long lastClosedMaxNanos;
    private long lastClosedWrittenLate;
    /** Late samples waiting for the listeners; created at the first one. */
    private LateIntervals late;

    // Cumulative counters, the checkpointed state.
    private long okCalls;
    private long[] errorCallsByType = new long[4];
    private long payloadBytesTotal;
    private final long[] bucketCounts;
    private long sumNanosTotal;
    private long lateSamples;
    /**
     * {@link #lateSamples} as of the last checkpoint on disk (set by the checkpoint writer's thread). Whether a
     * sample is late depends on when it was read, so a replay after a crash can count fewer than the killed
     * process did; exposing only what a checkpoint made durable keeps the counter from ever reading lower.
     */
    private volatile long lateSamplesDurable;

    // Exemplars per cumulative bucket (the +Inf bucket included): trace ids, value, time; value -1 = none.
    private final long[] exemplarTraceHigh;
    private final long[] exemplarTraceLow;
    private final long[] exemplarSpan;
    private final long[] exemplarValueNanos;
    private final long[] exemplarEpochMillis;
    private long exemplarThresholdNanos = Long.MAX_VALUE;
    private long openMaxTracedNanos = -1;
    private long openMaxTraceHigh;
    private long openMaxTraceLow;
    private long openMaxSpan;
    private long openMaxEpochMillis;

    Series(final SeriesKey key, final long[] bucketBoundsNanos, final int ordinal)
    {
        this.key = key;
        this.windows = new WindowTiers(ordinal);
        this.bucketBoundsNanos = bucketBoundsNanos;
        final int buckets = bucketBoundsNanos.length + 1;
        this.bucketCounts = new long[buckets];
        this.exemplarTraceHigh = new long[buckets];
        this.exemplarTraceLow = new long[buckets];
        this.exemplarSpan = new long[buckets];
        this.exemplarValueNanos = new long[buckets];
        this.exemplarEpochMillis = new long[buckets];
        Arrays.fill(exemplarValueNanos, -1);
    }

    public SeriesKey key()
    {
        return key;
    }

    /**
     * Counts one sample into the cumulative counters (always, whatever its time) and returns the
     * cumulative bucket it fell in. The caller places it into an interval.
     */
    int countCumulative(final long durationNanos, final boolean error, final int errorTypeIndex, final long bytes)
    {
        if (error)
        {
            if (errorTypeIndex >= errorCallsByType.length)
            {
                errorCallsByType = Arrays.copyOf(errorCallsByType, Math.max(errorTypeIndex + 1, errorCallsByType.length * 2));
            }
            errorCallsByType[errorTypeIndex]++;
        }
        else
        {
            okCalls++;
        }
        if (bytes > 0)
        {
            payloadBytesTotal += bytes;
        }
        sumNanosTotal += durationNanos;
        int bucket = Arrays.binarySearch(bucketBoundsNanos, durationNanos);
        if (bucket < 0)
        {
            bucket = -bucket - 1;
        }
        bucketCounts[bucket]++;
        return bucket;
    }

    void countLate()
    {
        lateSamples++;
    }

    /** Keeps a sample that {@link WindowTiers#recordLate} placed in a closed second for the listeners. */
    void holdLateForListeners(final long second, final long durationNanos, final boolean error, final long payloadBytes)
    {
        if (late == null)
        {
            late = new LateIntervals(this);
        }
        late.record(second, durationNanos, error, payloadBytes);
    }

    boolean hasLateForListeners()
    {
        return late != null && !late.isEmpty();
    }

    void deliverLate(final IntervalListener listener)
    {
        late.deliverTo(listener);
    }

    void clearLate()
    {
        late.clear();
    }

    /** Keeps a traced sample as its bucket's exemplar when it is above the threshold, and tracks the interval's traced max. */
    void offerExemplar(
        final int bucket, final long durationNanos, final long epochMillis, final long traceHigh, final long traceLow, final long span)
    {
        if (durationNanos >= exemplarThresholdNanos)
        {
            setExemplar(bucket, durationNanos, epochMillis, traceHigh, traceLow, span);
        }
        if (durationNanos > openMaxTracedNanos)
        {
            openMaxTracedNanos = durationNanos;
            openMaxTraceHigh = traceHigh;
            openMaxTraceLow = traceLow;
            openMaxSpan = span;
            openMaxEpochMillis = epochMillis;
        }
    }

    private void setExemplar(
        final int bucket, final long durationNanos, final long epochMillis, final long traceHigh, final long traceLow, final long span)
    {
        exemplarTraceHigh[bucket] = traceHigh;
        exemplarTraceLow[bucket] = traceLow;
        exemplarSpan[bucket] = span;
        exemplarValueNanos[bucket] = durationNanos;
        exemplarEpochMillis[bucket] = epochMillis;
    }

    /**
     * Closes the open interval as {@code second}: sorts it into {@link #lastClosed}, folds it into the
     * windows, files the interval's traced max as an exemplar and sets the next exemplar threshold.
     */
    long[] closeSecond(final long second, final long[] sortScratch, final double[] exemplarQuantile, final long[] quantileScratch,
        final WindowScratch windowScratch)
    {
        lastClosedMaxNanos = open.maxNanos();
        lastClosedWrittenLate = open.writtenLate();
        final long[] scratch = open.drainInto(lastClosed, sortScratch);
        if (nextFirstSecond <= second + 1)
        {
            final IntervalCounts drained = open;
            open = next;
            next = drained;
            nextFirstSecond = Long.MAX_VALUE;
        }
        lastClosedStartMillis = second * 1000L;
        windows.closeSecond(lastClosed, second, windowScratch);
        if (openMaxTracedNanos >= 0)
        {
            int bucket = Arrays.binarySearch(bucketBoundsNanos, openMaxTracedNanos);
            if (bucket < 0)
            {
                bucket = -bucket - 1;
            }
            setExemplar(bucket, openMaxTracedNanos, openMaxEpochMillis, openMaxTraceHigh, openMaxTraceLow, openMaxSpan);
            openMaxTracedNanos = -1;
        }
        if (!lastClosed.isEmpty() && exemplarQuantile.length > 0)
        {
            quantileScratch[0] = 0;
            Quantiles.compute(lastClosed, null, exemplarQuantile, quantileScratch);
            exemplarThresholdNanos = quantileScratch[0];
        }
        return scratch;
    }

    /** Takes the immutable view readers (the HTTP side, the pusher) get. */
    SeriesSnapshot snapshot(final boolean lateAsOfCheckpoint)
    {
        final int quantileCount = Quantiles.REPORTED.length;
        final long[] intervalQuantiles = new long[quantileCount];
        Quantiles.compute(lastClosed, null, Quantiles.REPORTED, intervalQuantiles);
        if (!lastClosed.isEmpty())
        {
            // The max is exact: the largest recorded duration, not its bucket's upper edge.
            intervalQuantiles[quantileCount - 1] = lastClosedMaxNanos;
        }
        final int windowCount = WindowTiers.windowCount();
        final long[][] windowQuantiles = new long[windowCount][];
        final long[] windowCounts = new long[windowCount];
        final long[] windowErrors = new long[windowCount];
        final double[] windowMeans = new double[windowCount];
        final long[] windowSpans = new long[windowCount];
        for (int w = 0; w < windowCount; w++)
        {
            windowQuantiles[w] = windows.quantiles(w).clone();
            windowCounts[w] = windows.count(w);
            windowErrors[w] = windows.errorCount(w);
            windowMeans[w] = windows.meanNanos(w);
            windowSpans[w] = windows.spanSeconds(w);
        }
        return new SeriesSnapshot(
            key, lastClosedStartMillis, lastClosed.totalCount(), lastClosed.errorCount(), lastClosed.payloadBytes(),
            lastClosed.meanNanos(), intervalQuantiles,
            windowCounts, windowErrors, windowMeans, windowQuantiles, windowSpans,
            okCalls, errorCallsByType.clone(), payloadBytesTotal, bucketCounts.clone(), sumNanosTotal,
            lateAsOfCheckpoint ? lateSamplesDurable : lateSamples, exemplarValueNanos.clone(), exemplarTraceHigh.clone(), exemplarTraceLow.clone(), exemplarSpan.clone(),
            exemplarEpochMillis.clone());
    }

    // ---- cumulative state for checkpoints ----

    public long okCalls()
    {
        return okCalls;
    }

    /** Error calls by {@link ErrorTypes} index; the array may be longer than the types in use. */
    public long[] errorCallsByType()
    {
        return errorCallsByType.clone();
    }

    public long payloadBytesTotal()
    {
        return payloadBytesTotal;
    }

    /** Per-bucket (not cumulative) counts, {@code +Inf} last. */
    public long[] bucketCounts()
    {
        return bucketCounts.clone();
    }

    public long sumNanosTotal()
    {
        return sumNanosTotal;
    }

    public long lateSamples()
    {
        return lateSamples;
    }

    public long lateSamplesDurable()
    {
        return lateSamplesDurable;
    }

    /** A checkpoint holding {@code late} for this series is on disk (any thread). */
    public void lateSamplesDurable(final long late)
    {
        lateSamplesDurable = late;
    }

    /** Restores cumulative counters from a checkpoint; bucket counts only if they were taken with the same bounds. */
    public void restore(
        final long okCalls, final long[] errorCallsByType, final long payloadBytes, final long[] bucketCounts,
        final long sumNanos, final long lateSamples)
    {
        this.okCalls = okCalls;
        this.errorCallsByType = Arrays.copyOf(errorCallsByType, Math.max(4, errorCallsByType.length));
        this.payloadBytesTotal = payloadBytes;
        if (bucketCounts != null && bucketCounts.length == this.bucketCounts.length)
        {
            System.arraycopy(bucketCounts, 0, this.bucketCounts, 0, bucketCounts.length);
        }
        this.sumNanosTotal = sumNanos;
        this.lateSamples = lateSamples;
        this.lateSamplesDurable = lateSamples;
    }

    /**
     * The open interval (and what waits for the one after it), as bytes for the checkpoint, or null when empty.
     * With the close grace a checkpoint is taken while these already hold samples read before the positions it
     * saves; the cumulative counters include them, the listeners (SLO, native histograms) will only at the close.
     */
    byte[] saveOpen()
    {
        final boolean withNext = next != null && next.count() > 0;
        if (open.count() == 0 && !withNext)
        {
            return null;
        }
        final ByteBuffer out = ByteBuffer.allocate(open.savedBytes() + (withNext ? next.savedBytes() : 0));
        open.saveTo(out);
        if (withNext)
        {
            next.saveTo(out);
        }
        return out.array();
    }

    /** Adds what {@link #saveOpen} saved to the open interval (a restore, before any document is read). */
    void restoreOpen(final byte[] saved)
    {
        final ByteBuffer in = ByteBuffer.wrap(saved);
        while (in.hasRemaining())
        {
            open.addSaved(in);
        }
    }

    boolean holdsNext()
    {
        return nextFirstSecond != Long.MAX_VALUE;
    }

    /** The block a sample of {@code second}, the open one or after it, was recorded into (null: none yet). */
    IntervalCounts blockOf(final long second, final long openSecond)
    {
        return second == openSecond ? open : next;
    }

    /** Where a sample of {@code second}, after the open one, goes while the open one is held open. */
    IntervalCounts next(final long second)
    {
        if (next == null)
        {
            next = new IntervalCounts();
        }
        nextFirstSecond = Math.min(nextFirstSecond, second);
        return next;
    }

    public long retainedBytes()
    {
        return 400 + open.retainedBytes() + (next == null ? 0 : next.retainedBytes()) + lastClosed.retainedBytes() + windows.retainedBytes() +
            errorCallsByType.length * 8L + bucketCounts.length * 8L * 6;
    }

    // ---- ClosedInterval: the last closed interval ----

    @Override
    public String seriesKey()
    {
        return key.key();
    }

    @Override
    public Map<String, String> labels()
    {
        return key.labels();
    }

    @Override
    public long intervalStartEpochMillis()
    {
        return lastClosedStartMillis;
    }

    @Override
    public SparseCounts counts()
    {
        return lastClosed;
    }

    @Override
    public long writtenLateCount()
    {
        return lastClosedWrittenLate;
    }
}
