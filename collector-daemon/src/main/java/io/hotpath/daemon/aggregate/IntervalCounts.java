package io.hotpath.daemon.aggregate;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The open 1-second interval of one series, built for the per-sample path: an open-addressing hash
 * from {@link HistogramLayout} bucket index to count, plus exact scalars. Recording is an index
 * computation and a probe or two — no allocation, no sorting. At rotation {@link #drainInto} sorts the
 * few distinct buckets once into a {@link SparseCounts} and clears this for reuse: the
 * double-buffer-with-reuse pattern of HdrHistogram's interval recorders, single-threaded because the
 * aggregation thread both records and rotates.
 *
 * <p>Capacity is a power of two kept at most half full; it grows with the number of distinct buckets
 * seen in one second (a few thousand at most for a 3-digit layout in practice) and is kept.
 */
public final class IntervalCounts
{
    private static final int INITIAL_CAPACITY = 16;

    /** Bucket index + 1; 0 marks a free slot. */
    private int[] keys = new int[INITIAL_CAPACITY];
    private long[] values = new long[INITIAL_CAPACITY];
    private int mask = INITIAL_CAPACITY - 1;
    private int used;

    private long count;
    private long errorCount;
    private long payloadBytes;
    private long sumNanos;
    private long maxNanos;
    /** Of {@link #count}, samples their writer took from its ring only after their second had ended. */
    private long writtenLate;

    public void record(final long durationNanos, final boolean error, final long bytes)
    {
        final int key = HistogramLayout.index(durationNanos) + 1;
        int slot = (key * 0x9E3779B1) >>> 8 & mask;
        while (true)
        {
            final int present = keys[slot];
            if (present == key)
            {
                values[slot]++;
                break;
            }
            if (present == 0)
            {
                keys[slot] = key;
                values[slot] = 1;
                if (++used * 2 > keys.length)
                {
                    grow();
                }
                break;
            }
            slot = (slot + 1) & mask;
        }
        count++;
        sumNanos += durationNanos;
        if (durationNanos > maxNanos)
        {
            maxNanos = durationNanos;
        }
        if (error)
        {
            errorCount++;
        }
        if (bytes > 0)
        {
            payloadBytes += bytes;
        }
    }

    public long count()
    {
        return count;
    }

    /** One of the samples recorded was written after its second ended (its writer stalled at the boundary). */
    void countWrittenLate()
    {
        writtenLate++;
    }

    long writtenLate()
    {
        return writtenLate;
    }

    public long errorCount()
    {
        return errorCount;
    }

    public long payloadBytes()
    {
        return payloadBytes;
    }

    /** Exact largest duration recorded in the interval (not rounded to a bucket). */
    public long maxNanos()
    {
        return maxNanos;
    }

    /**
     * Moves the interval into {@code target} (replacing its contents) sorted by bucket, and clears
     * this for the next interval. {@code scratch} is the caller's reusable sort buffer; the returned
     * array is the same or a larger replacement to keep for next time.
     */
    public long[] drainInto(final SparseCounts target, final long[] scratch)
    {
        target.reset();
        long[] sortBuffer = scratch.length >= used ? scratch : new long[Math.max(used, scratch.length * 2)];
        int n = 0;
        if (used > 0)
        {
            for (int slot = 0; slot < keys.length; slot++)
            {
                final int key = keys[slot];
                if (key != 0)
                {
                    // Counts of one second fit 32 bits many times over; pack (index, count) to sort primitives.
                    sortBuffer[n++] = ((long)(key - 1) << 32) | values[slot];
                    keys[slot] = 0;
                }
            }
            Arrays.sort(sortBuffer, 0, n);
            for (int i = 0; i < n; i++)
            {
                target.append((int)(sortBuffer[i] >>> 32), sortBuffer[i] & 0xFFFF_FFFFL);
            }
        }
        target.addScalars(errorCount, payloadBytes, sumNanos);
        used = 0;
        count = 0;
        errorCount = 0;
        payloadBytes = 0;
        sumNanos = 0;
        maxNanos = 0;
        writtenLate = 0;
        return sortBuffer;
    }

    /** Bytes {@link #saveTo} writes. */
    int savedBytes()
    {
        return 4 + 6 * 8 + used * 12;
    }

    /**
     * Writes the interval as it is, for a checkpoint taken while it is open (the close grace: it already holds
     * samples whose queue positions the checkpoint makes durable, which the listeners see only when it closes).
     */
    void saveTo(final ByteBuffer out)
    {
        out.putInt(used).putLong(count).putLong(errorCount).putLong(payloadBytes).putLong(sumNanos).putLong(maxNanos).putLong(writtenLate);
        for (int slot = 0; slot < keys.length; slot++)
        {
            if (keys[slot] != 0)
            {
                out.putInt(keys[slot] - 1).putLong(values[slot]);
            }
        }
    }

    /** Adds what {@link #saveTo} wrote (a restore): the samples close with this interval. */
    void addSaved(final ByteBuffer in)
    {
        final int entries = in.getInt();
        count += in.getLong();
        errorCount += in.getLong();
        payloadBytes += in.getLong();
        sumNanos += in.getLong();
        maxNanos = Math.max(maxNanos, in.getLong());
        writtenLate += in.getLong();
        for (int i = 0; i < entries; i++)
        {
            add(in.getInt() + 1, in.getLong());
        }
    }

    private void add(final int key, final long n)
    {
        int slot = (key * 0x9E3779B1) >>> 8 & mask;
        while (true)
        {
            final int present = keys[slot];
            if (present == key)
            {
                values[slot] += n;
                return;
            }
            if (present == 0)
            {
                keys[slot] = key;
                values[slot] = n;
                if (++used * 2 > keys.length)
                {
                    grow();
                }
                return;
            }
            slot = (slot + 1) & mask;
        }
    }

    public long retainedBytes()
    {
        return 16L + keys.length * 4L + 16L + values.length * 8L + 80L;
    }

    private void grow()
    {
        final int[] oldKeys = keys;
        final long[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new long[oldValues.length * 2];
        mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++)
        {
            final int key = oldKeys[i];
            if (key != 0)
            {
                int slot = (key * 0x9E3779B1) >>> 8 & mask;
                while (keys[slot] != 0)
                {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = key;
                values[slot] = oldValues[i];
            }
        }
    }
}
