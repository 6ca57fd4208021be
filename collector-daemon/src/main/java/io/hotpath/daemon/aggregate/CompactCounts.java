package io.hotpath.daemon.aggregate;

/**
 * An immutable closed block of histogram counts in one of two compact forms, plus exact scalars:
 * <ul>
 * <li>{@link Form#RUNS}: the non-zero {@link HistogramLayout} buckets as runs of consecutive indexes
 *     (see {@link Encoder}), unsigned LEB128 varints. An entry takes one to three bytes; decoding
 *     touches only occupied buckets, which keeps the blocks summed every second (10 s) cheap.</li>
 * <li>{@link Form#RICE}: every count of the occupied index range, zeros included, adaptively
 *     Rice-coded ({@link RiceCoder}): about 2–5 bits per bucket where a distribution is dense, one bit
 *     per empty bucket in its tails. Two to three times smaller than runs for minute and 5-minute
 *     blocks, which dominate the heap; decoding walks the whole range, so it is used for the blocks
 *     summed only every 5 s or less often.</li>
 * </ul>
 * Both forms are lossless: windows summed from them are exact to the histogram's precision.
 *
 * <p>Blocks are read whole (into a {@link WindowScratch}) and never modified in place; late
 * samples replace a block with a re-encoded copy ({@link #plus}).
 */
public final class CompactCounts
{
    static final CompactCounts EMPTY = new CompactCounts(new byte[0], 0, 0, 0, 0, 0);

    /** The two encodings of a block's bucket counts. */
    enum Form
    {
        /** Varint runs of occupied buckets: decoding cost per occupied bucket. */
        RUNS,
        /** Adaptive Rice codes of every bucket in the occupied range: the densest form. */
        RICE
    }

    /** RUNS: the varint runs; null for RICE. */
    private final byte[] data;
    /** RICE: the bit stream, LSB first, plus one padding word; null for RUNS. */
    private final long[] bits;
    /** RICE: first and last occupied index. */
    private final int low;
    private final int high;
    private final int entries;
    private final long totalCount;
    private final long errorCount;
    private final long payloadBytes;
    private final long sumNanos;

    CompactCounts(final byte[] data, final int entries, final long totalCount, final long errorCount, final long payloadBytes,
        final long sumNanos)
    {
        this(data, null, 0, -1, entries, totalCount, errorCount, payloadBytes, sumNanos);
    }

    private CompactCounts(final byte[] data, final long[] bits, final int low, final int high, final int entries,
        final long totalCount, final long errorCount, final long payloadBytes, final long sumNanos)
    {
        this.data = data;
        this.bits = bits;
        this.low = low;
        this.high = high;
        this.entries = entries;
        this.totalCount = totalCount;
        this.errorCount = errorCount;
        this.payloadBytes = payloadBytes;
        this.sumNanos = sumNanos;
    }

    public long totalCount()
    {
        return totalCount;
    }

    public long errorCount()
    {
        return errorCount;
    }

    public long payloadBytes()
    {
        return payloadBytes;
    }

    public long sumNanos()
    {
        return sumNanos;
    }

    public int entries()
    {
        return entries;
    }

    Form form()
    {
        return bits != null ? Form.RICE : Form.RUNS;
    }

    public long retainedBytes()
    {
        // Header, 2 references, 3 ints, 4 longs (padded), then the array with its header.
        return 64 + 16 + (bits != null ? bits.length * 8L : data.length);
    }

    /** Adds every (index, count) to the dense scratch. */
    void addTo(final WindowScratch scratch)
    {
        if (bits != null)
        {
            RiceCoder.decodeInto(bits, low, high, scratch);
            scratch.addScalars(totalCount, errorCount, payloadBytes, sumNanos);
            return;
        }
        final byte[] bytes = data;
        final int length = bytes.length;
        int position = 0;
        int index = 0;
        while (position < length)
        {
            // A run: gap from the end of the previous run, run length, then that many counts.
            long value = 0;
            int shift = 0;
            byte b;
            do
            {
                b = bytes[position++];
                value |= (long)(b & 0x7F) << shift;
                shift += 7;
            }
            while (b < 0);
            index += (int)value;
            value = 0;
            shift = 0;
            do
            {
                b = bytes[position++];
                value |= (long)(b & 0x7F) << shift;
                shift += 7;
            }
            while (b < 0);
            final int runLength = (int)value;
            for (int r = 0; r < runLength; r++)
            {
                long count = 0;
                shift = 0;
                do
                {
                    b = bytes[position++];
                    count |= (long)(b & 0x7F) << shift;
                    shift += 7;
                }
                while (b < 0);
                scratch.addCount(index++, count);
            }
        }
        scratch.addScalars(totalCount, errorCount, payloadBytes, sumNanos);
    }

    /** A copy in the same form with {@code late} added (late samples, collected per block and second). */
    CompactCounts plus(final SparseCounts late, final WindowScratch scratch)
    {
        scratch.clear();
        addTo(scratch);
        scratch.add(late);
        final CompactCounts copy = scratch.toCompact(form());
        scratch.clear();
        return copy;
    }

    /**
     * Encodes ascending (index, count) pairs as runs of consecutive indexes:
     * {@code gap, run length, count…}, all unsigned LEB128 varints, the gap counted from the end of
     * the previous run. Dense latency distributions are long runs, so an entry costs about its
     * count's byte or two.
     */
    static final class Encoder
    {
        private final RiceCoder rice = new RiceCoder();
        private boolean riceForm;
        private byte[] buffer = new byte[256];
        private long[] run = new long[64];
        private int position;
        private int runStart;
        private int runLength;
        private int end;
        private int entries;

        void reset()
        {
            reset(Form.RUNS);
        }

        void reset(final Form form)
        {
            riceForm = form == Form.RICE;
            rice.reset();
            position = 0;
            runLength = 0;
            end = 0;
            entries = 0;
        }

        void add(final int index, final long count)
        {
            if (riceForm)
            {
                rice.add(index, count);
                entries++;
                return;
            }
            if (runLength > 0 && index == runStart + runLength)
            {
                if (runLength == run.length)
                {
                    run = java.util.Arrays.copyOf(run, run.length * 2);
                }
                run[runLength++] = count;
            }
            else
            {
                flushRun();
                runStart = index;
                run[0] = count;
                runLength = 1;
            }
            entries++;
        }

        private void flushRun()
        {
            if (runLength == 0)
            {
                return;
            }
            ensure(20 + runLength * 10);
            putVarint(runStart - end);
            putVarint(runLength);
            for (int i = 0; i < runLength; i++)
            {
                putVarint(run[i]);
            }
            end = runStart + runLength;
            runLength = 0;
        }

        private void ensure(final int more)
        {
            if (buffer.length - position < more)
            {
                buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, position + more));
            }
        }

        private void putVarint(final long value)
        {
            long v = value;
            while ((v & ~0x7FL) != 0)
            {
                buffer[position++] = (byte)((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buffer[position++] = (byte)v;
        }

        CompactCounts finish(final long totalCount, final long errorCount, final long payloadBytes, final long sumNanos)
        {
            flushRun();
            if (entries == 0 && totalCount == 0 && errorCount == 0 && payloadBytes == 0 && sumNanos == 0)
            {
                return EMPTY;
            }
            if (riceForm && entries > 0)
            {
                return new CompactCounts(null, rice.finish(), rice.low(), rice.high(), entries, totalCount, errorCount, payloadBytes,
                    sumNanos);
            }
            return new CompactCounts(java.util.Arrays.copyOf(buffer, position), entries, totalCount, errorCount, payloadBytes, sumNanos);
        }
    }

    /** Encodes a sparse form. */
    static CompactCounts of(final SparseCounts counts, final Encoder encoder)
    {
        encoder.reset();
        for (int i = 0; i < counts.size(); i++)
        {
            encoder.add(counts.indexAt(i), counts.countAt(i));
        }
        return encoder.finish(counts.totalCount(), counts.errorCount(), counts.payloadBytes(), counts.sumNanos());
    }
}
