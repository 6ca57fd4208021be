package io.hotpath.agent.record;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * A few Agrona {@link ManyToOneRingBuffer}s side by side, one drain thread reading them all.
 * An application thread writes into the stripe its thread id selects, so threads running on
 * different cores mostly claim on different tail counters instead of all bouncing one cache line
 * between cores: with one shared ring, two threads recording flat out paid ~2.5× the single-thread
 * cost per sample (RecordPathBenchmark at 2 threads); striped, they pay about what one does.
 *
 * <p>Why the thread id and not a thread-local ring: selecting is a field read and a mask, no
 * lookup, no registration, nothing to clean up when threads die. Two hot threads may share a
 * stripe (ids are sequential, so pool threads spread evenly); they are then as well off as with
 * one ring.
 *
 * <p>Capacity: the configured bytes are split evenly over the stripes, so the memory used is the
 * same as one ring of that size. Samples of one thread stay in order; samples of different
 * stripes are not ordered against each other, which the daemon does not need (it places each
 * sample by its own timestamp).
 */
public final class StripedRing
{
    /** At most this many stripes, whatever the core count: the drain reads each one per cycle. */
    static final int MAX_STRIPES = 16;

    private final ManyToOneRingBuffer[] rings;
    private final AtomicBuffer[] buffers;
    private final long[] addresses;
    private final int mask;
    /** Messages read so far (drain thread writes, anyone reads). */
    private volatile long consumed;
    /** Stripe the next read starts with (drain thread only): no stripe waits behind a busy one. */
    private int nextRead;

    /**
     * @param totalBytes data capacity of all stripes together, each stripe rounded up to a power of
     *                   two of at least 1 KiB.
     * @param stripes    number of stripes, rounded up to a power of two (1 … {@link #MAX_STRIPES}).
     */
    public StripedRing(final int totalBytes, final int stripes)
    {
        final int count = BitUtil.findNextPositivePowerOfTwo(Math.max(1, Math.min(MAX_STRIPES, stripes)));
        final int stripeBytes = BitUtil.findNextPositivePowerOfTwo(Math.max(1024, totalBytes / count));
        rings = new ManyToOneRingBuffer[count];
        buffers = new AtomicBuffer[count];
        addresses = new long[count];
        for (int i = 0; i < count; i++)
        {
            // Cache-line aligned (plain allocateDirect only guarantees 8 or 16 bytes): a record never
            // straddles two lines, and the trailer's counters sit on lines of their own.
            buffers[i] = new UnsafeBuffer(BufferUtil.allocateDirectAligned(stripeBytes + RingBufferDescriptor.TRAILER_LENGTH,
                BitUtil.CACHE_LINE_LENGTH));
            addresses[i] = buffers[i].addressOffset();
            rings[i] = new ManyToOneRingBuffer(buffers[i]);
        }
        mask = count - 1;
    }

    /**
     * Stripes for this machine: one per core (at most {@link #MAX_STRIPES}); no more threads than
     * cores record at the same instant, and more stripes would only cut each thread's burst room.
     */
    public static int defaultStripes()
    {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The calling thread's stripe. */
    @SuppressWarnings("deprecation") // Thread.getId(): Thread.threadId() only exists from JDK 19
    int stripeOfCurrentThread()
    {
        return (int)Thread.currentThread().getId() & mask;
    }

    ManyToOneRingBuffer ring(final int stripe)
    {
        return rings[stripe];
    }

    AtomicBuffer buffer(final int stripe)
    {
        return buffers[stripe];
    }

    /** Native address of a stripe's first byte. */
    long address(final int stripe)
    {
        return addresses[stripe];
    }

    public int stripes()
    {
        return rings.length;
    }

    /**
     * Reads at most {@code limit} messages from the stripes, starting with a different one each
     * call; drain thread only.
     *
     * @return the messages read.
     */
    public int read(final MessageHandler handler, final int limit)
    {
        int read = 0;
        final int first = nextRead;
        nextRead = (first + 1) & mask;
        for (int i = 0; i <= mask && read < limit; i++)
        {
            read += rings[(first + i) & mask].read(handler, limit - read);
        }
        if (read > 0)
        {
            // after the reads, which moved the heads: recordedAtLeast never counts a message twice
            consumed += read;
        }
        return read;
    }

    /** Bytes waiting in all stripes (approximate while producers write). */
    public int size()
    {
        int size = 0;
        for (final ManyToOneRingBuffer ring : rings)
        {
            size += ring.size();
        }
        return size;
    }

    /** Bytes waiting in the fullest stripe (approximate while producers write). */
    public int fullestSize()
    {
        int fullest = 0;
        for (final ManyToOneRingBuffer ring : rings)
        {
            fullest = Math.max(fullest, ring.size());
        }
        return fullest;
    }

    /** Data capacity of one stripe, in bytes. */
    public int stripeCapacity()
    {
        return rings[0].capacity();
    }

    /** Data capacity of all stripes together, in bytes. */
    public int capacity()
    {
        int capacity = 0;
        for (final ManyToOneRingBuffer ring : rings)
        {
            capacity += ring.capacity();
        }
        return capacity;
    }

    /**
     * Messages ever written, at least: those read, plus the bytes waiting per stripe divided by 64.
     * Records are 32 or 64 bytes and what waits is less than a lap, so it holds at most one 32-byte
     * padding record: with a compact records, b wide ones and p ≤ 1 padding, floor((32a + 64b + 32p) / 64)
     * ≤ a + b. Exact for wide records and when the stripes are read empty.
     */
    public long recordedAtLeast()
    {
        final long read = consumed;
        long waiting = 0;
        for (final ManyToOneRingBuffer ring : rings)
        {
            waiting += ring.size() / 64;
        }
        return read + waiting;
    }

    /** Bytes ever claimed in all stripes. */
    public long producerPosition()
    {
        long position = 0;
        for (final ManyToOneRingBuffer ring : rings)
        {
            position += ring.producerPosition();
        }
        return position;
    }
}
