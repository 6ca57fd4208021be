package io.hotpath.agent.record;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Label value to a small index, for one label taken from an argument. Multi-reader, multi-writer,
 * lock-free: a bounded open-addressing table whose slots are claimed by CAS.
 *
 * <p>Keys: strings are their own keys; an enum (and {@code null}) is an alias of its name's string
 * entry, so an enum and a string with the same name share one index (and one series). Other objects
 * are keyed by their {@code toString()}, which the caller's object allocates.
 *
 * <p>Costs, the why of this shape: reading a known value is one hash probe and allocates nothing.
 * The first sight of a value allocates its entry. Once {@code maxValues} indexes are taken the table
 * is <em>full</em> (a flag): an unknown string then costs one missed probe (the table is at most
 * half full, so a miss ends at an empty slot within a few probes) and the flag read — O(1), no
 * allocation, no shared write — and is {@link #otherIndex()}. Folded values are never stored, so
 * the table never fills; the index counter is only written while indexes are still free, so the
 * cap is exact for ever (no counter that grows with every folded call and could overflow).
 *
 * <p>First sight of a value by several threads at once: the value's string entry is stored first
 * (one CAS of a slot: one entry per value), with its index still pending; the index comes after,
 * from {@link #assign}, where any thread that meets a pending entry helps it to its index. Each index
 * goes to exactly one entry and each entry gets one index, so no index is lost to a race and no
 * thread waits for another (lock-free: a stalled thread's entry is finished by the next one to see it).
 */
final class LabelTable
{
    static final String OTHER = "other";
    private static final Object NULL_KEY = new Object();
    private static final String NULL_VALUE = "null";
    /** The index of a string entry that is stored but has no index yet. */
    private static final int PENDING = -1;
    private static final VarHandle INDEX;

    static
    {
        try
        {
            INDEX = MethodHandles.lookup().findVarHandle(Entry.class, "index", int.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AtomicReferenceArray<Entry> slots;
    private final int mask;
    /** Entries the table may hold: half its slots (string entries need at most {@code maxValues}; the rest is for aliases). */
    private final int maxEntries;
    private final AtomicInteger entries = new AtomicInteger();
    private final int maxValues;
    private final Set<String> allowed;
    /** The next index to give; only advanced once the entry that owns it has it, so it counts the indexes given. */
    private final AtomicInteger nextIndex = new AtomicInteger();
    /** Per index: the string entry it was given to (set once, by CAS, before the entry's index). */
    private final AtomicReferenceArray<Entry> owners;
    private volatile boolean full;

    LabelTable(final int maxValues, final List<String> allowed)
    {
        this.maxValues = maxValues;
        this.allowed = allowed == null ? null : new HashSet<>(allowed);
        // room for a string entry and an alias per value at a load of at most one half
        final int capacity = Integer.highestOneBit(Math.max(8, 4 * maxValues + 3) - 1) << 1;
        this.slots = new AtomicReferenceArray<>(capacity);
        this.mask = capacity - 1;
        this.maxEntries = capacity / 2;
        this.owners = new AtomicReferenceArray<>(maxValues);
    }

    /** Index for "other": folded values. */
    int otherIndex()
    {
        return maxValues;
    }

    /** No index is left: values not in the table are {@link #otherIndex()} from now on. */
    boolean isFull()
    {
        return full;
    }

    /** The label value string of an index returned by {@link #indexOf}. */
    String value(final int index)
    {
        return index == maxValues ? OTHER : (String)owners.get(index).key;
    }

    /** Distinct values that got an index so far (never more than {@code maxValues}). */
    int size()
    {
        return Math.min(nextIndex.get(), maxValues);
    }

    /**
     * @return the value's index, or {@link #otherIndex()} when it is folded; the caller counts
     *         folded values as label overflows.
     */
    int indexOf(final Object argument)
    {
        final Object key = argument == null ? NULL_KEY :
            argument instanceof Enum || argument instanceof String ? argument : argument.toString();
        final int hash = hashOf(key);
        // read before the probe: once it is set, every value with an index has its entry in the table,
        // so a miss then is a folded value for sure (read after, a value stored meanwhile would fold)
        final boolean wasFull = full;
        final Entry entry = find(key, hash);
        return entry != null ? indexOf(entry) : insert(key, hash, wasFull);
    }

    private static int hashOf(final Object key)
    {
        final int h = (key == NULL_KEY ? 0x5bd1e995 : key.hashCode()) * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** The entry stored for {@code key}, or null. */
    private Entry find(final Object key, final int hash)
    {
        for (int i = hash & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++)
        {
            final Entry entry = slots.get(i);
            if (entry == null)
            {
                return null;
            }
            if (entry.hash == hash && (entry.key == key || entry.key.equals(key)))
            {
                return entry;
            }
        }
        return null;
    }

    private int indexOf(final Entry entry)
    {
        final int index = entry.index;
        return index != PENDING ? index : assign(entry);
    }

    private int insert(final Object key, final int hash, final boolean wasFull)
    {
        final String value = key == NULL_KEY ? NULL_VALUE : key instanceof Enum ? ((Enum<?>)key).name() : (String)key;
        if (key == value && wasFull)
        {
            return maxValues; // the over-cap path of a string: one missed probe and this flag
        }
        if (allowed != null && !allowed.contains(value))
        {
            return maxValues;
        }
        if (key == value)
        {
            return indexOfString(value, hash);
        }
        final int valueHash = hashOf(value);
        final Entry known = find(value, valueHash);
        final int index = known != null ? indexOf(known) : wasFull ? maxValues : indexOfString(value, valueHash);
        if (index != maxValues)
        {
            publishAlias(key, hash, index); // the enum's (or null's) alias: next time one probe
        }
        return index;
    }

    /** The index of {@code value}, whose string entry is stored first if it is not there yet. */
    private int indexOfString(final String value, final int hash)
    {
        for (int i = hash & mask; ; i = (i + 1) & mask)
        {
            Entry entry = slots.get(i);
            if (entry == null)
            {
                // string entries always have room while an index is free: aliases stop maxValues short of maxEntries
                if (entries.incrementAndGet() > maxEntries)
                {
                    entries.decrementAndGet();
                    return maxValues;
                }
                final Entry mine = new Entry(value, hash, PENDING);
                if (slots.compareAndSet(i, null, mine))
                {
                    return assign(mine);
                }
                entries.decrementAndGet();
                entry = slots.get(i);
            }
            if (entry.hash == hash && (entry.key == value || entry.key.equals(value)))
            {
                return indexOf(entry); // another thread stored it first: its index, helped along if still pending
            }
        }
    }

    /**
     * Gives a pending string entry its index, the next free one, or {@link #otherIndex()} once all are
     * taken; any thread may call it for any entry (helping). Index {@code n} goes to the entry that is
     * first CAS'd into {@code owners[n]}; the owner's index is set (by CAS, whoever gets there) before
     * {@code nextIndex} moves past {@code n}. A thread reads {@code nextIndex} before the entry's index,
     * so an entry that already has an index is never made the owner of another: no index is wasted.
     */
    private int assign(final Entry entry)
    {
        while (true)
        {
            final int next = nextIndex.get();
            final int index = entry.index;
            if (index != PENDING)
            {
                return index;
            }
            if (next >= maxValues)
            {
                if (!full)
                {
                    full = true; // written once: over the cap, every call comes here, and a shared write on each would cost them all
                }
                // all indexes are owned by other entries: this value is folded (its entry says so for ever)
                return INDEX.compareAndSet(entry, PENDING, maxValues) ? maxValues : entry.index;
            }
            Entry owner = owners.get(next);
            if (owner == null)
            {
                owners.compareAndSet(next, null, entry);
                owner = owners.get(next);
            }
            INDEX.compareAndSet(owner, PENDING, next); // ours or another entry's: the owner of next gets next
            if (nextIndex.compareAndSet(next, next + 1) && next + 1 == maxValues)
            {
                full = true;
            }
        }
    }

    /** Stores an enum's (or null's) alias of its name's index, if the table has room for it (else it is found by name). */
    private void publishAlias(final Object key, final int hash, final int index)
    {
        if (entries.incrementAndGet() > maxEntries - maxValues)
        {
            entries.decrementAndGet();
            return;
        }
        final Entry alias = new Entry(key, hash, index);
        for (int i = hash & mask; ; i = (i + 1) & mask)
        {
            if (slots.compareAndSet(i, null, alias))
            {
                return;
            }
            final Entry other = slots.get(i);
            if (other.hash == hash && (other.key == key || other.key.equals(key)))
            {
                entries.decrementAndGet();
                return;
            }
        }
    }

    /** A key's entry: a value string (its index may be {@link #PENDING} for a moment) or an alias of one. */
    private static final class Entry
    {
        final Object key;
        final int hash;
        /** Set once from {@link #PENDING} (string entries) or at construction (aliases). */
        volatile int index;

        Entry(final Object key, final int hash, final int index)
        {
            this.key = key;
            this.hash = hash;
            INDEX.setRelease(this, index); // no fence: the entry is published by the CAS that stores it in a slot
        }
    }
}
