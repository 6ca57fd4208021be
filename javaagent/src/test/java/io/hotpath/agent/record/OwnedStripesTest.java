package io.hotpath.agent.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.agent.bootstrap.TraceContextReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.concurrent.MessageHandler;
import org.junit.jupiter.api.Test;

/**
 * Stripes owned by one thread each ({@link ThreadSlots}, {@link StripedRing#claimOwned}) beside the
 * shared CAS stripes: many more threads than owned stripes writing all three record forms at once,
 * every record read back intact and in its thread's order (or counted as dropped); a stripe handed
 * to a new thread when its owner ends; drops counted when a stripe is full, owned or shared.
 */
class OwnedStripesTest
{
    private static final int WRITERS = 40;
    private static final int PER_WRITER = 20_000;

    /** Trace ids per writer thread: the reader's "current span" while {@link #TRACING} is set. */
    private static final ThreadLocal<String[]> TRACE = new ThreadLocal<>();
    private static final ThreadLocal<Boolean> TRACING = ThreadLocal.withInitial(() -> false);

    private static RingRecorder recorder(final StripedRing rings)
    {
        return new RingRecorder(rings, new SeriesRegistry(List.of()), new ErrorTypeRegistry());
    }

    private static String hex(final long value)
    {
        return String.format(Locale.ROOT, "%016x", value);
    }

    @Test
    void manyMoreThreadsThanOwnedStripesNeverCorruptARecord() throws Exception
    {
        final StripedRing rings = new StripedRing(4 << 20, 2, 8);
        final RingRecorder recorder = recorder(rings);
        recorder.traceContextReader(new TraceContextReader()
        {
            @Override
            public Object currentSpanContext()
            {
                return TRACING.get() ? TRACE.get() : null;
            }

            @Override
            public CharSequence traceId(final Object spanContext)
            {
                return ((String[])spanContext)[0];
            }

            @Override
            public CharSequence spanId(final Object spanContext)
            {
                return ((String[])spanContext)[1];
            }
        });
        final long sharedBefore = recorder.sharedStripeThreads();
        final CyclicBarrier allRegistered = new CyclicBarrier(WRITERS);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> writers = new ArrayList<>();
        final boolean[] hadOwnStripe = new boolean[WRITERS];
        for (int w = 0; w < WRITERS; w++)
        {
            final int writer = w;
            final Thread thread = new Thread(() ->
            {
                try
                {
                    TRACE.set(new String[] {hex(writer) + hex(~writer), hex(writer * 31L + 7)});
                    for (int seq = 0; seq < PER_WRITER; seq++)
                    {
                        write(recorder, writer, seq);
                        if (seq == 0)
                        {
                            hadOwnStripe[writer] = rings.ownedStripeOfCurrentThread() >= 0;
                            allRegistered.await(60, TimeUnit.SECONDS); // all alive at once: more threads than stripes
                        }
                    }
                }
                catch (final Throwable t)
                {
                    failure.compareAndSet(null, t);
                }
            }, "writer-" + w);
            writers.add(thread);
            thread.start();
        }
        // a writer moves from a shared stripe to an owned one when a slot is freed: no order across stripes, each sample once
        final BitSet[] seen = new BitSet[WRITERS];
        Arrays.setAll(seen, w -> new BitSet(PER_WRITER));
        final long[] read = new long[1];
        final MessageHandler check = (type, buffer, index, length) ->
        {
            final boolean compact = length == RingSampleDescriptor.COMPACT_MESSAGE_LENGTH;
            final long payload = buffer.getLong(index + (compact ?
                RingSampleDescriptor.COMPACT_PAYLOAD_BYTES_OFFSET : RingSampleDescriptor.PAYLOAD_BYTES_OFFSET));
            final int writer = (int)(payload >>> 32);
            final int seq = (int)payload;
            assertTrue(writer >= 0 && writer < WRITERS, "payload " + payload);
            assertTrue(seq >= 0 && seq < PER_WRITER && !seen[writer].get(seq), "writer " + writer + ": " + seq + " read twice");
            seen[writer].set(seq);
            final int kind = seq % 10;
            final long end = buffer.getLong(index + (compact ?
                RingSampleDescriptor.COMPACT_END_NANO_TIME_OFFSET : RingSampleDescriptor.END_NANO_TIME_OFFSET));
            final long duration = buffer.getLong(index + (compact ?
                RingSampleDescriptor.COMPACT_DURATION_NANOS_OFFSET : RingSampleDescriptor.DURATION_NANOS_OFFSET));
            assertEquals(1_000_000L + seq, end);
            assertEquals(seq, duration);
            if (kind == 0 || kind == 1)
            {
                assertEquals(RingSampleDescriptor.MESSAGE_LENGTH, length);
                assertEquals(kind == 1 ? RingSampleDescriptor.MSG_TYPE_TRACED_SAMPLE : RingSampleDescriptor.MSG_TYPE_WIDE_SAMPLE, type);
                assertEquals(writer + 1, buffer.getInt(index + RingSampleDescriptor.SERIES_ID_OFFSET));
                assertEquals(errorType(writer, kind), buffer.getInt(index + RingSampleDescriptor.ERROR_TYPE_ID_OFFSET));
                if (kind == 1)
                {
                    assertEquals(writer, buffer.getLong(index + RingSampleDescriptor.TRACE_ID_HIGH_OFFSET));
                    assertEquals(~writer, buffer.getLong(index + RingSampleDescriptor.TRACE_ID_LOW_OFFSET));
                    assertEquals(writer * 31L + 7, buffer.getLong(index + RingSampleDescriptor.SPAN_ID_OFFSET));
                }
            }
            else
            {
                assertTrue(compact, "length " + length);
                assertEquals(writer + 1, RingSampleDescriptor.compactSeriesId(type));
                assertEquals(errorType(writer, kind), RingSampleDescriptor.compactErrorTypeId(type));
            }
            read[0]++;
        };
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (writers.stream().anyMatch(Thread::isAlive) && System.nanoTime() < deadline)
        {
            if (rings.read(check, 1000) == 0)
            {
                Thread.onSpinWait();
            }
        }
        while (rings.read(check, 1000) > 0)
        {
            // the rest
        }
        for (final Thread writer : writers)
        {
            writer.join(1000);
        }
        if (failure.get() != null)
        {
            throw new AssertionError("a writer failed", failure.get());
        }
        assertEquals(0, rings.size());
        assertTrue(read[0] > 0);
        assertEquals((long)WRITERS * PER_WRITER, read[0] + recorder.dropped(),
            "every sample read back or counted as dropped: read " + read[0] + ", dropped " + recorder.dropped());
        assertEquals(read[0], recorder.recorded(), "exact once read empty");
        int owning = 0;
        for (final boolean own : hadOwnStripe)
        {
            owning += own ? 1 : 0;
        }
        assertTrue(owning >= 1 && owning <= rings.ownedStripes(), owning + " writers had an owned stripe");
        assertTrue(recorder.sharedStripeThreads() - sharedBefore >= WRITERS - ThreadSlots.SLOTS,
            "threads beyond the slots are counted: " + (recorder.sharedStripeThreads() - sharedBefore));
    }

    private static int errorType(final int writer, final int kind)
    {
        return kind == 0 ? RingSampleDescriptor.MAX_COMPACT_ERROR_TYPE_ID + 1 + writer : writer % 5;
    }

    /** Kind by {@code seq % 10}: 0 wide (error type too large), 1 traced, else compact. */
    private static void write(final RingRecorder recorder, final int writer, final int seq)
    {
        final int kind = seq % 10;
        TRACING.set(kind == 1);
        recorder.record(writer + 1, 1_000_000L, 1_000_000L + seq, (long)writer << 32 | seq, errorType(writer, kind));
    }

    @Test
    void anEndedThreadsStripeGoesToAThreadThatHadNone() throws Exception
    {
        ThreadSlots.reapEnded();
        final StripedRing rings = new StripedRing(1 << 20, 1, ThreadSlots.SLOTS);
        final RingRecorder recorder = recorder(rings);
        final CountDownLatch release = new CountDownLatch(1);
        final List<Thread> holders = new ArrayList<>();
        final BlockingQueue<Integer> slots = new ArrayBlockingQueue<>(4 * ThreadSlots.SLOTS);
        final BlockingQueue<Runnable> waiterTasks = new ArrayBlockingQueue<>(4);
        final BlockingQueue<Integer> waiterSlots = new ArrayBlockingQueue<>(4);
        Thread waiter = null;
        try
        {
            // take slots until a thread finds none left; the first holder records three samples
            for (int i = 0; i < 2 * ThreadSlots.SLOTS && waiter == null; i++)
            {
                final int holder = i;
                final Thread thread = new Thread(() ->
                {
                    final int slot = ThreadSlots.current();
                    if (holder == 0)
                    {
                        for (int seq = 0; seq < 3; seq++)
                        {
                            recorder.record(1, 0, seq, seq, 0);
                        }
                    }
                    slots.add(slot);
                    if (slot == ThreadSlots.NONE)
                    {
                        runTasks(waiterTasks);
                        return;
                    }
                    await(release);
                });
                thread.start();
                final int slot = slots.poll(30, TimeUnit.SECONDS);
                if (slot == ThreadSlots.NONE)
                {
                    waiter = thread;
                }
                else
                {
                    holders.add(thread);
                }
            }
            assertTrue(waiter != null, "a thread beyond the slots gets none");
            final int firstSlot = slotOf(holders.get(0));
            assertEquals(ThreadSlots.NONE, slotIn(waiterTasks, waiterSlots), "still none: no slot was freed");
            // the first holder ends; once reaped, the waiter (alive all along) gets its slot and stripe
            final Thread first = holders.remove(0);
            first.interrupt();
            first.join(10_000);
            assertTrue(!first.isAlive());
            assertTrue(ThreadSlots.reapEnded() >= 1);
            assertEquals(firstSlot, slotIn(waiterTasks, waiterSlots));
            waiterTasks.add(() ->
            {
                for (int seq = 3; seq < 6; seq++)
                {
                    recorder.record(1, 0, seq, seq, 0);
                }
                waiterSlots.add(rings.ownedStripeOfCurrentThread());
            });
            assertEquals(firstSlot, waiterSlots.poll(30, TimeUnit.SECONDS));
            final List<Long> read = new ArrayList<>();
            while (rings.ring(firstSlot).read((type, buffer, index, length) ->
                read.add(buffer.getLong(index + RingSampleDescriptor.COMPACT_PAYLOAD_BYTES_OFFSET)), 100) > 0)
            {
                // until empty
            }
            assertEquals(Arrays.asList(0L, 1L, 2L, 3L, 4L, 5L), read, "the new owner goes on where the ended one stopped");
            assertEquals(0, recorder.dropped());
        }
        finally
        {
            release.countDown();
            if (waiter != null)
            {
                waiter.interrupt();
                waiter.join(10_000);
            }
            for (final Thread holder : holders)
            {
                holder.join(10_000);
            }
        }
    }

    /** The slot {@code holder} was given. */
    private static int slotOf(final Thread holder)
    {
        for (int slot = 0; slot < ThreadSlots.SLOTS; slot++)
        {
            if (ThreadSlots.ownerOf(slot) == holder)
            {
                return slot;
            }
        }
        throw new AssertionError("holder owns no slot");
    }

    private static int slotIn(final BlockingQueue<Runnable> tasks, final BlockingQueue<Integer> results)
        throws InterruptedException
    {
        tasks.add(() -> results.add(ThreadSlots.current()));
        return results.poll(30, TimeUnit.SECONDS);
    }

    private static void runTasks(final BlockingQueue<Runnable> tasks)
    {
        try
        {
            while (true)
            {
                tasks.take().run();
            }
        }
        catch (final InterruptedException e)
        {
            // done
        }
    }

    private static void await(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException e)
        {
            // released early
        }
    }

    @Test
    void dropsAreCountedWhenAnOwnedStripeIsFull() throws Exception
    {
        ThreadSlots.reapEnded();
        fillAndCount(ThreadSlots.SLOTS, true);
    }

    @Test
    void dropsAreCountedWhenASharedStripeIsFull() throws Exception
    {
        fillAndCount(0, false);
    }

    @Test
    void aReadThatOnlySkipsPaddingGoesOnAtTheStripesStart() throws Exception
    {
        ThreadSlots.reapEnded();
        inNewThread(() ->
        {
            final StripedRing rings = new StripedRing(1024, 1, ThreadSlots.SLOTS);
            final RingRecorder recorder = recorder(rings);
            assertTrue(rings.ownedStripeOfCurrentThread() >= 0);
            for (int i = 0; i < 31; i++)
            {
                recorder.record(1, 0, i, i, 0);
            }
            assertEquals(31, rings.read((type, buffer, index, length) -> { }, 1000));
            // 32 bytes left at the end: a wide record goes to the start, after a padding record
            recorder.record(1, 0, 7, 7, RingSampleDescriptor.MAX_COMPACT_ERROR_TYPE_ID + 1);
            final List<Long> read = new ArrayList<>();
            assertEquals(1, rings.read((type, buffer, index, length) ->
                read.add(buffer.getLong(index + RingSampleDescriptor.PAYLOAD_BYTES_OFFSET)), 1000));
            assertEquals(List.of(7L), read);
            assertEquals(0, rings.size());
        });
    }

    /** 100 compact samples into a 1 KiB stripe (room for 32) with no drain, then the drain frees it. */
    private static void fillAndCount(final int ownedStripes, final boolean owned) throws Exception
    {
        inNewThread(() ->
        {
            final StripedRing rings = new StripedRing(1024, 1, ownedStripes);
            assertEquals(1024, rings.stripeCapacity());
            final RingRecorder recorder = recorder(rings);
            assertEquals(owned, rings.ownedStripeOfCurrentThread() >= 0);
            for (int i = 0; i < 100; i++)
            {
                recorder.record(1, 0, i, i, 0);
            }
            assertEquals(68, recorder.dropped());
            final List<Long> read = new ArrayList<>();
            rings.read((type, buffer, index, length) ->
                read.add(buffer.getLong(index + RingSampleDescriptor.COMPACT_PAYLOAD_BYTES_OFFSET)), 1000);
            assertEquals(32, read.size());
            assertEquals(31L, read.get(31), "the first 32 kept, in order");
            assertEquals(32, recorder.recorded());
            recorder.record(1, 0, 100, 100, 0);
            read.clear();
            rings.read((type, buffer, index, length) ->
                read.add(buffer.getLong(index + RingSampleDescriptor.COMPACT_PAYLOAD_BYTES_OFFSET)), 1000);
            assertEquals(List.of(100L), read, "room again once read");
            assertEquals(68, recorder.dropped());
        });
    }

    /** Code that needs a thread of its own (a fresh slot, or none), run to its end; its failure is rethrown. */
    private interface Body
    {
        void run() throws Exception;
    }

    private static void inNewThread(final Body body) throws InterruptedException
    {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread thread = new Thread(() ->
        {
            try
            {
                body.run();
            }
            catch (final Throwable t)
            {
                failure.set(t);
            }
        });
        thread.start();
        thread.join(30_000);
        if (failure.get() != null)
        {
            throw new AssertionError(failure.get());
        }
    }
}
