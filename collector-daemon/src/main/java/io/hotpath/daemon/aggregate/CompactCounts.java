package io.hotpath.daemon.aggregate;

import java.util.Arrays;

/**
 * An immutable closed block of histogram counts in one of two compact forms, plus exact scalars:
 * <ul>
 * <li>{@link Form#GAPS}: one byte per occupied {@link HistogramLayout} bucket — empty buckets skipped
 *     and count, a nibble each, varint escapes beyond 14 (see {@link Encoder}). Decoding touches only
 *     occupied buckets, which keeps the blocks summed every second (10 s, 1 s) cheap.</li>
 * <li>{@link Form#RICE}: every count of the occupied index range, zeros included, adaptively
 *     Rice-coded ({@link RiceCoder}): about 2–5 bits per bucket where a distribution is dense, one bit
 *     per empty bucket in its tails. About twice as small as gaps for minute and 5-minute
 *     blocks, which dominate the heap; decoding walks the whole range, so it is used for the blocks
 *     summed only every 5 s or less often.</li>
 * </ul>
 * Both forms are lossless: windows summed from them are exact to the histogram's precision.
 *
 * <p>Blocks are read whole (into a {@link WindowScratch}) and never modified in place; late
 * samples replace a block with a re-encoded copy ({@link #plus}).
 */
public final class CompactCounts extends CountScalars
{
    static final CompactCounts EMPTY = new CompactCounts(new byte[0], 0, 0, 0, 0, 0);
    private static final int NIBBLE_ESCAPE = 15;

    /** The two encodings of a block's bucket counts. */
    enum Form
    {
        /** A byte per occupied bucket (skip and count nibbles, varint escapes): decoding cost per occupied bucket. */
        GAPS,
        /** Adaptive Rice codes of every bucket in the occupied range: the densest form. */
        RICE
    }

    /** GAPS: the bytes; null for RICE. */
    private final byte[] data;
    /** RICE: the bit stream, LSB first, plus one padding word; null for GAPS. */
    private final long[] bits;
    /** RICE: first and last occupied index. */
    private final int low;
    private final int high;
    private final int entries;

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

    public int entries()
    {
        return entries;
    }

    Form form()
    {
        return bits != null ? Form.RICE : Form.GAPS;
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
        int index = -1;
        while (position < length)
        {
            // One byte: empty buckets skipped (high nibble) and count - 1 (low nibble); 15 = a varint follows.
            final int header = bytes[position++] & 0xFF;
            int skipped = header >>> 4;
            long count = (header & 0x0F) + 1;
            if (skipped == NIBBLE_ESCAPE)
            {
                final long value = varint(bytes, position);
                position += varintBytes(value);
                skipped += (int)value;
            }
            if (count == NIBBLE_ESCAPE + 1)
            {
                final long value = varint(bytes, position);
                position += varintBytes(value);
                count += value;
            }
            index += skipped + 1;
            scratch.addCount(index, count);
        }
        scratch.addScalars(totalCount, errorCount, payloadBytes, sumNanos);
    }

    /** The unsigned LEB128 varint at {@code position}, as {@link Encoder} writes it (minimal: {@link #varintBytes} long). */
    private static long varint(final byte[] bytes, final int position)
    {
        long value = 0;
        int shift = 0;
        int at = position;
        byte b;
        do
        {
            b = bytes[at++];
            value |= (long)(b & 0x7F) << shift;
            shift += 7;
        }
        while (b < 0);
        return value;
    }

    /** The length of {@code value}'s minimal varint: a byte per 7 significant bits, at least one. */
    static int varintBytes(final long value)
    {
        return (64 - Long.numberOfLeadingZeros(value | 1) + 6) / 7;
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
     * Encodes ascending (index, count) pairs, {@link Form#GAPS} or {@link Form#RICE}. GAPS: one byte per
     * occupied bucket, the number of empty buckets skipped since the previous one in the high nibble
     * and {@code count - 1} in the low nibble; a nibble of 15 means "15 + the unsigned LEB128 varint
     * that follows" (the skip's varint first). In a latency distribution neighbours are close and
     * counts of a 1–10 s block small, so most buckets take exactly one byte.
     */
    static final class Encoder
    {
        private final RiceCoder rice = new RiceCoder();
        private boolean riceForm;
        private byte[] buffer = new byte[256];
        private int position;
        private int previous;
        private int entries;

        void reset()
        {
            reset(Form.GAPS);
        }

        void reset(final Form form)
        {
            riceForm = form == Form.RICE;
            rice.reset();
            position = 0;
            previous = -1;
            entries = 0;
        }

        void add(final int index, final long count)
        {
            entries++;
            if (riceForm)
            {
                rice.add(index, count);
                return;
            }
            if (buffer.length - position < 21)
            {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            final int skipped = index - previous - 1;
            final long countLess1 = count - 1;
            previous = index;
            final int high = Math.min(skipped, NIBBLE_ESCAPE);
            final int low = (int)Math.min(countLess1, NIBBLE_ESCAPE);
            buffer[position++] = (byte)(high << 4 | low);
            if (high == NIBBLE_ESCAPE)
            {
                putVarint(skipped - NIBBLE_ESCAPE);
            }
            if (low == NIBBLE_ESCAPE)
            {
                putVarint(countLess1 - NIBBLE_ESCAPE);
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
            if (entries == 0 && totalCount == 0 && errorCount == 0 && payloadBytes == 0 && sumNanos == 0)
            {
                return EMPTY;
            }
            if (riceForm && entries > 0)
            {
                return new CompactCounts(null, rice.finish(), rice.low(), rice.high(), entries, totalCount, errorCount, payloadBytes,
                    sumNanos);
            }
            return new CompactCounts(Arrays.copyOf(buffer, position), entries, totalCount, errorCount, payloadBytes, sumNanos);
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
