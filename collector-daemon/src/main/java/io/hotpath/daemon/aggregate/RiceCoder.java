package io.hotpath.daemon.aggregate;

import java.util.Arrays;

/**
 * Adaptive Rice coding of a run of bucket counts, the {@link CompactCounts.Form#RICE} form: every
 * count from the lowest to the highest occupied index, zeros included, in a bit stream (LSB first in
 * {@code long} words).
 *
 * <p>A count {@code v} is coded with a parameter {@code k} predicted from the counts before it
 * (the same on both sides, so {@code k} is never stored): {@code q = v >>> k} as {@code q} zero bits
 * and a one, then the low {@code k} bits of {@code v}. Neighbouring buckets of a latency histogram
 * hold similar counts, so the prediction follows the distribution's shape: small {@code k} in the
 * tails, larger at the mode. {@code q ≥} {@value #ESCAPE_QUOTIENT} is escaped as that many zero bits
 * and the raw 64-bit count, so any count (beyond 2<sup>31</sup> too) round-trips exactly.
 *
 * <p>Prediction: {@code mean = acc >>> 2} with {@code acc ← acc − acc/4 + v} (a decaying average
 * of about the last four counts); {@code k} = bit length of {@code mean}. While {@code mean} is 0 a
 * zero count leaves {@code acc} unchanged, so a stretch of empty buckets is a stretch of one bits,
 * which the decoder skips 64 at a time.
 *
 * <p>Measured on log-normal latencies (median 1 ms, sigma 0.7–1.0, 100 samples/s): about 0.6–0.7
 * bytes per occupied bucket for 1-minute and 5-minute blocks, 2–3× less than
 * {@link CompactCounts.Form#GAPS}; see {@code benchmarks/RESULTS-daemon.md}.
 *
 * <p>Encoder instances are reusable and not thread-safe; decoding is static.
 */
final class RiceCoder
{
    /** Quotients from here on are escaped to a raw 64-bit count. */
    static final int ESCAPE_QUOTIENT = 16;
    /** Counts added to the predictor are capped so that {@code acc} cannot overflow. */
    private static final long PREDICTOR_CAP = 1L << 56;

    private long[] words = new long[64];
    private int position;
    private long acc;
    private int low = -1;
    private int next;

    void reset()
    {
        Arrays.fill(words, 0, Math.min(words.length, (position >>> 6) + 2), 0L);
        position = 0;
        acc = 0;
        low = -1;
        next = 0;
    }

    /** Appends {@code count} at {@code index}; indexes strictly ascending, counts positive. */
    void add(final int index, final long count)
    {
        if (low < 0)
        {
            low = index;
            next = index;
        }
        while (next < index)
        {
            if (acc < 4)
            {
                // Prediction 0 (and kept by zeros): the empty buckets are one bit each, written up to 32 at a time.
                final int zeros = Math.min(index - next, 32);
                write((1L << zeros) - 1, zeros);
                next += zeros;
            }
            else
            {
                put(0);
                next++;
            }
        }
        put(count);
        next = index + 1;
    }

    int low()
    {
        return low;
    }

    /** Last index added. */
    int high()
    {
        return next - 1;
    }

    /** The stream, trimmed, with one zero padding word so that decoding may always read two words. */
    long[] finish()
    {
        return Arrays.copyOf(words, (position + 63 >>> 6) + 1);
    }

    private void put(final long value)
    {
        final int k = parameter(acc);
        final long quotient = value >>> k;
        if (quotient < ESCAPE_QUOTIENT)
        {
            write(1L << quotient, (int)quotient + 1);
            if (k > 0)
            {
                write(value & ((1L << k) - 1), k);
            }
        }
        else
        {
            write(0, ESCAPE_QUOTIENT);
            write(value, 64);
        }
        acc = acc - (acc >>> 2) + Math.min(value, PREDICTOR_CAP);
    }

    private static int parameter(final long acc)
    {
        return 64 - Long.numberOfLeadingZeros(acc >>> 2);
    }

    /** Writes the low {@code count} bits of {@code value} (1 ≤ count ≤ 64; higher bits must be 0 unless count is 64). */
    private void write(final long value, final int count)
    {
        final int word = position >>> 6;
        final int offset = position & 63;
        if (word + 2 > words.length)
        {
            words = Arrays.copyOf(words, words.length * 2);
        }
        words[word] |= value << offset;
        if (offset + count > 64)
        {
            words[word + 1] |= value >>> (64 - offset);
        }
        position += count;
    }

    /** 64 bits of the stream from {@code position}. */
    private static long peek(final long[] words, final int position)
    {
        final int word = position >>> 6;
        final int offset = position & 63;
        final long bits = words[word] >>> offset;
        return offset == 0 ? bits : bits | (words[word + 1] << (64 - offset));
    }

    /** Adds every non-zero count of the stream over {@code [low, high]} to {@code scratch}. */
    static void decodeInto(final long[] words, final int low, final int high, final WindowScratch scratch)
    {
        int position = 0;
        long acc = 0;
        int index = low;
        while (index <= high)
        {
            final long bits = peek(words, position);
            final long mean = acc >>> 2;
            if (mean == 0)
            {
                // Zero counts while the prediction is 0 are single one bits and keep the prediction: skip them together.
                final int zeros = Math.min(Long.numberOfTrailingZeros(~bits), high - index + 1);
                if (zeros > 0)
                {
                    index += zeros;
                    position += zeros;
                    continue;
                }
            }
            final int k = 64 - Long.numberOfLeadingZeros(mean);
            final int quotient = Long.numberOfTrailingZeros(bits);
            final long value;
            if (quotient < ESCAPE_QUOTIENT)
            {
                final int unary = quotient + 1;
                final long remainder = k == 0 ? 0
                    : (unary + k <= 64 ? bits >>> unary : peek(words, position + unary)) & ((1L << k) - 1);
                value = ((long)quotient << k) | remainder;
                position += unary + k;
            }
            else
            {
                position += ESCAPE_QUOTIENT;
                value = peek(words, position);
                position += 64;
            }
            if (value != 0)
            {
                scratch.addCount(index, value);
            }
            acc = acc - (acc >>> 2) + Math.min(value, PREDICTOR_CAP);
            index++;
        }
    }
}
