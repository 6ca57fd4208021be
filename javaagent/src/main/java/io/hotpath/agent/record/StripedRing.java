package io.hotpath.agent.record;

import java.nio.ByteOrder;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Agrona {@link ManyToOneRingBuffer}s side by side, one drain thread reading them all. Two kinds of
 * stripe, same memory layout, so the drain reads both alike:
 * <ul>
 *   <li><b>Owned</b> stripes, one per {@link ThreadSlots} slot: the first application threads that
 *       record each get one and are its only producer. Claiming is a plain read of the tail, a
 *       compare against a cached head, and an ordered store of the new tail — no CAS, no cache line
 *       another core writes — and a record becomes visible with one 8-byte ordered store of its header
 *       (length and type) after its body ({@link #claimOwned}, {@link #publish}).</li>
 *   <li><b>Shared</b> stripes, chosen by thread id, for threads beyond those: Agrona's own
 *       {@code tryClaim}/{@code commit} with a CAS on the tail. Spreading them over a few stripes keeps
 *       threads on different cores mostly on different tail counters (one shared ring cost two threads
 *       ~2.5× the single-thread cost per sample).</li>
 * </ul>
 * Either way a full stripe makes the caller drop and count, never wait.
 *
 * <p>Capacity: the configured bytes are split evenly over all stripes (a power of two of them, each
 * a power of two of at least 1 KiB), so the memory used is what is configured, as with one ring.
 * Samples of one stripe stay in order; samples of different stripes (and those of a thread that moved
 * from a shared stripe to an owned one) are not ordered against each other, which the daemon does not
 * need (it places each sample by its own timestamp).
 */
public final class StripedRing
{
    /** At most this many shared stripes, whatever the core count: the drain reads each one per cycle. */
    static final int MAX_STRIPES = 16;
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    /** Drain reads between looks for ended threads' slots. */
    private static final int READS_PER_REAP = 1024;
    /**
     * An owned stripe's count of folded samples ({@link #claimOwned}): right after its tail, in the
     * trailer's padding (Agrona leaves the rest of the tail's two cache lines unused), on the line only
     * the owner writes and writes anyway for every record.
     */
    private static final int FOLDED_OFFSET = RingBufferDescriptor.TAIL_POSITION_OFFSET + Long.BYTES;

    private final ManyToOneRingBuffer[] rings;
    private final AtomicBuffer[] buffers;
    private final long[] addresses;
    private final int owned;
    private final int sharedMask;
    /** Data bytes per stripe (a power of two). */
    private final int stripeBytes;
    /** Messages read so far (drain thread writes, anyone reads). */
    private volatile long consumed;
    /** Stripe the next read starts with (drain thread only): no stripe waits behind a busy one. */
    private int nextRead;
    private int reads;

    /**
     * @param totalBytes data capacity of all stripes together.
     * @param stripes    number of shared stripes, rounded up to a power of two (1 … {@link #MAX_STRIPES});
     *                   as many owned ones come on top (fewer when {@code totalBytes} has no room for that
     *                   many 1 KiB stripes).
     */
    public StripedRing(final int totalBytes, final int stripes)
    {
        this(totalBytes, stripes, -1);
    }

    /**
     * @param ownedStripes stripes for threads with a slot of their own (0 … {@link ThreadSlots#SLOTS}),
     *                     -1: as many as shared ones (see above); threads whose slot
     *                     is past these use the shared ones.
     */
    public StripedRing(final int totalBytes, final int stripes, final int ownedStripes)
    {
        int shared = BitUtil.findNextPositivePowerOfTwo(Math.max(1, Math.min(MAX_STRIPES, stripes)));
        if (ownedStripes < 0)
        {
            // as many owned as shared: twice the stripes of one kind, so each has half the burst room (a
            // thread recording flat out fills its stripe while the drain parks); a power of two of them in
            // all, so a power-of-two total splits without a remainder
            final int room = Integer.highestOneBit(Math.max(1, totalBytes / 1024));
            final int count = Math.min(room, 2 * shared);
            shared = Math.min(shared, count);
            owned = Math.min(ThreadSlots.SLOTS, count - shared);
        }
        else
        {
            owned = Math.min(ThreadSlots.SLOTS, ownedStripes);
        }
        final int count = owned + shared;
        stripeBytes = Math.max(1024, Integer.highestOneBit(Math.max(1, totalBytes / count)));
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
        sharedMask = shared - 1;
    }

    /**
     * Shared stripes for this machine: one per core (at most {@link #MAX_STRIPES}); no more threads
     * than cores record at the same instant, and more stripes would only cut each thread's burst room.
     */
    public static int defaultStripes()
    {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The calling thread's own stripe, or -1 when it has none here (then: {@link #stripeOfCurrentThread}). */
    int ownedStripeOfCurrentThread()
    {
        final int slot = ThreadSlots.current();
        return slot < owned ? slot : -1;
    }

    /** The shared stripe of the calling thread, by thread id: write with {@code tryClaim}/{@code commit}. */
    @SuppressWarnings("deprecation") // Thread.getId(): Thread.threadId() only exists from JDK 19
    int stripeOfCurrentThread()
    {
        return owned + ((int)Thread.currentThread().getId() & sharedMask);
    }

    /**
     * Claims {@code recordLength} bytes (a record with its 8-byte header: 32 or 64) at the tail of
     * owned stripe {@code stripe}; its owner thread only. A 64-byte record that would straddle the
     * stripe's end is preceded by a 32-byte padding record, as Agrona does. The drain sees nothing
     * of the record before {@link #publish}: it stops at a zero length, and it zeroes what it read.
     *
     * @param folded the sample is a folded call's: counted in the stripe ({@link #foldedInOwnedStripes}),
     *               whether the claim succeeds or the sample is dropped.
     * @return the native address of the record's header, or 0 when the stripe is full.
     */
    long claimOwned(final int stripe, final int recordLength, final boolean folded)
    {
        final long base = addresses[stripe];
        final int capacity = stripeBytes;
        final long tailAddress = base + capacity + RingBufferDescriptor.TAIL_POSITION_OFFSET;
        if (folded)
        {
            final long foldedAddress = base + capacity + FOLDED_OFFSET; // the tail's line: no other line touched
            UnsafeApi.putLongRelease(null, foldedAddress, UnsafeApi.getLong(foldedAddress) + 1);
        }
        final long headCacheAddress = base + capacity + RingBufferDescriptor.HEAD_CACHE_POSITION_OFFSET;
        final long tail = UnsafeApi.getLong(tailAddress); // only this thread writes it
        final int index = (int)tail & (capacity - 1);
        final int padding = recordLength > capacity - index ? capacity - index : 0;
        final long newTail = tail + padding + recordLength;
        if (newTail - UnsafeApi.getLong(headCacheAddress) > capacity)
        {
            // the cached head says full: look at the drain's real one
            final long head = UnsafeApi.getLongVolatile(null, base + capacity + RingBufferDescriptor.HEAD_POSITION_OFFSET);
            if (newTail - head > capacity)
            {
                return 0;
            }
            UnsafeApi.putLong(headCacheAddress, head);
        }
        UnsafeApi.putLongRelease(null, tailAddress, newTail);
        if (padding != 0)
        {
            publish(base + index, RingBuffer.PADDING_MSG_TYPE_ID, padding);
            return base;
        }
        return base + index;
    }

    /**
     * Makes a record claimed with {@link #claimOwned} visible to the drain: its length and type in
     * one ordered 8-byte store, after the body's plain stores.
     */
    static void publish(final long recordAddress, final int msgTypeId, final int recordLength)
    {
        // Agrona's header: length at +0, type at +4 (RecordDescriptor), in native order
        final long header = LITTLE_ENDIAN ?
            (long)msgTypeId << 32 | (recordLength & 0xFFFF_FFFFL) :
            (long)recordLength << 32 | (msgTypeId & 0xFFFF_FFFFL);
        UnsafeApi.putLongRelease(null, recordAddress, header);
    }

    /**
     * Folded samples recorded into owned stripes, written or dropped (by whichever thread owned each
     * stripe: a stripe's count goes on with its next owner, as its tail does). Any thread; never
     * decreasing.
     */
    long foldedInOwnedStripes()
    {
        long sum = 0;
        for (int stripe = 0; stripe < owned; stripe++)
        {
            sum += UnsafeApi.getLongVolatile(null, addresses[stripe] + stripeBytes + FOLDED_OFFSET);
        }
        return sum;
    }

    /** Stripes owned by a thread each (the first {@link #ownedStripes()} of {@link #stripes()}). */
    int ownedStripes()
    {
        return owned;
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

    /** All stripes, owned and shared. */
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
        final int count = rings.length;
        final int first = nextRead;
        nextRead = first + 1 == count ? 0 : first + 1;
        for (int i = 0, stripe = first; i < count && read < limit; i++, stripe = stripe + 1 == count ? 0 : stripe + 1)
        {
            final ManyToOneRingBuffer ring = rings[stripe];
            final long head = ring.consumerPosition();
            int got = ring.read(handler, limit - read);
            if (got == 0 && ring.consumerPosition() != head)
            {
                // it only skipped the padding at the stripe's end: what follows is at its start, and a caller
                // that stops at a read of 0 (the drain at shutdown) would leave it behind
                got = ring.read(handler, limit - read);
            }
            read += got;
        }
        if (++reads == READS_PER_REAP)
        {
            reads = 0;
            ThreadSlots.reapEnded(); // a thread that had to share may get an owned stripe of one that ended
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
        return stripeBytes;
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
