package io.hotpath.agent.record;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Gives the first {@link #SLOTS} application threads that record a slot of their own, so what is
 * per slot (a ring stripe, a counter cell) has one writer and needs no atomic instruction: a plain
 * load and an ordered store instead of a CAS or a locked add. Threads beyond that many get
 * {@link #NONE} and use the shared, CAS-based structures (counted in {@link #sharedThreads()}).
 *
 * <p>Finding the calling thread's slot is a lookup in a table indexed by thread id (no
 * {@code ThreadLocal}, whose map probe and weak-reference read cost more), then a check that the
 * slot's owner is this very {@code Thread} object: a thread id alone is not enough to hand out a
 * single-writer slot (ids may be reused once a thread ends, {@code getId} may be overridden).
 *
 * <p>A slot whose thread has ended goes back to the pool ({@link #reapEnded}, run by the drain and
 * when a thread finds no free slot): its next owner continues where the dead one stopped, which it
 * sees because a thread's end happens-before {@code isAlive()} returns false. A thread that got
 * {@link #NONE} tries again after a slot is freed. JVM-wide: one thread owns at most one slot, and
 * it owns that slot in every ring and counter that uses this class.
 */
final class ThreadSlots
{
    /** Threads that get a slot of their own. */
    static final int SLOTS = 16;
    /** The slot of a thread that has none of its own. */
    static final int NONE = SLOTS;

    private static final int TABLE_BITS = 12;
    private static final int TABLE_MASK = (1 << TABLE_BITS) - 1;
    private static final int SLOT_BITS = 8;
    private static final int GENERATION_BITS = 8;
    private static final int ID_SHIFT = SLOT_BITS + GENERATION_BITS;
    private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;
    private static final int GENERATION_MASK = (1 << GENERATION_BITS) - 1;

    /** Per thread id modulo the table size: {@code id << 16 | generation << 8 | slot}; 0 = empty (ids start at 1). */
    private static final AtomicLongArray TABLE = new AtomicLongArray(1 << TABLE_BITS);
    private static final AtomicReferenceArray<Thread> OWNERS = new AtomicReferenceArray<>(SLOTS);
    /** Slots freed so far: a thread given {@link #NONE} under an older count looks again. */
    private static final AtomicInteger RELEASES = new AtomicInteger();
    private static final AtomicLong SHARED_THREADS = new AtomicLong();

    private ThreadSlots()
    {
    }

    /** The calling thread's slot, 0 … {@link #SLOTS} − 1, or {@link #NONE}. */
    @SuppressWarnings("deprecation") // Thread.getId(): Thread.threadId() only exists from JDK 19
    static int current()
    {
        final Thread thread = Thread.currentThread();
        final long id = thread.getId();
        final long entry = TABLE.getOpaque((int)id & TABLE_MASK);
        if (entry >>> ID_SHIFT == id)
        {
            final int slot = (int)entry & SLOT_MASK;
            if (slot < SLOTS ? OWNERS.getPlain(slot) == thread :
                ((int)(entry >>> SLOT_BITS) & GENERATION_MASK) == (RELEASES.get() & GENERATION_MASK))
            {
                return slot;
            }
        }
        return register(thread, id);
    }

    /** Slow path: first use by a thread, or a table collision, or a slot freed since it got none. */
    private static int register(final Thread thread, final long id)
    {
        final int generation = RELEASES.get();
        int slot = find(thread);
        if (slot == NONE)
        {
            slot = claim(thread);
        }
        if (slot == NONE && reapEnded() > 0)
        {
            slot = claim(thread);
        }
        final long known = TABLE.getOpaque((int)id & TABLE_MASK);
        final long entry = id << ID_SHIFT | (long)(generation & GENERATION_MASK) << SLOT_BITS | slot;
        if (slot == NONE && (known >>> ID_SHIFT != id || (known & SLOT_MASK) != NONE))
        {
            SHARED_THREADS.getAndIncrement(); // once per thread (and per retry after a slot was freed)
        }
        TABLE.setOpaque((int)id & TABLE_MASK, entry);
        return slot;
    }

    private static int find(final Thread thread)
    {
        for (int slot = 0; slot < SLOTS; slot++)
        {
            if (OWNERS.get(slot) == thread)
            {
                return slot;
            }
        }
        return NONE;
    }

    private static int claim(final Thread thread)
    {
        for (int slot = 0; slot < SLOTS; slot++)
        {
            if (OWNERS.get(slot) == null && OWNERS.compareAndSet(slot, null, thread))
            {
                return slot;
            }
        }
        return NONE;
    }

    /**
     * Frees the slots of threads that have ended; their table entries are cleared, so a later
     * thread with a reused id cannot take one for its own.
     *
     * @return slots freed.
     */
    @SuppressWarnings("deprecation")
    static int reapEnded()
    {
        int freed = 0;
        for (int slot = 0; slot < SLOTS; slot++)
        {
            final Thread owner = OWNERS.get(slot);
            if (owner != null && !owner.isAlive())
            {
                final long id = owner.getId();
                final int index = (int)id & TABLE_MASK;
                final long entry = TABLE.get(index);
                if (entry >>> ID_SHIFT == id && (entry & SLOT_MASK) == slot)
                {
                    TABLE.compareAndSet(index, entry, 0);
                }
                if (OWNERS.compareAndSet(slot, owner, null))
                {
                    freed++;
                }
            }
        }
        if (freed > 0)
        {
            RELEASES.getAndIncrement();
        }
        return freed;
    }

    /** The thread owning {@code slot}, or null. */
    static Thread ownerOf(final int slot)
    {
        return OWNERS.get(slot);
    }

    /** Slots owned by a thread now. */
    static int owned()
    {
        int owned = 0;
        for (int slot = 0; slot < SLOTS; slot++)
        {
            if (OWNERS.get(slot) != null)
            {
                owned++;
            }
        }
        return owned;
    }

    /** Times a thread found no slot of its own and went to the shared structures. */
    static long sharedThreads()
    {
        return SHARED_THREADS.get();
    }
}
