package io.hotpath.agent.record;

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
 */
final class LabelTable
{
    static final String OTHER = "other";
    private static final Object NULL_KEY = new Object();
    private static final String NULL_VALUE = "null";

    private final AtomicReferenceArray<Entry> slots;
    private final int mask;
    /** Entries the table may hold: half its slots (string entries need at most {@code maxValues}; the rest is for aliases). */
    private final int maxEntries;
    private final AtomicInteger entries = new AtomicInteger();
    private final int maxValues;
    private final Set<String> allowed;
    private final AtomicInteger nextIndex = new AtomicInteger();
    private volatile boolean full;
    private final String[] valuesByIndex;

    LabelTable(final int maxValues, final List<String> allowed)
    {
        this.maxValues = maxValues;
        this.allowed = allowed == null ? null : new HashSet<>(allowed);
        // room for a string entry and an alias per value at a load of at most one half
        final int capacity = Integer.highestOneBit(Math.max(8, 4 * maxValues + 3) - 1) << 1;
        this.slots = new AtomicReferenceArray<>(capacity);
        this.mask = capacity - 1;
        this.maxEntries = capacity / 2;
        this.valuesByIndex = new String[maxValues + 1];
        valuesByIndex[maxValues] = OTHER;
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
        return valuesByIndex[index];
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
        final int index = find(key, hash);
        return index >= 0 ? index : insert(key, hash);
    }

    private static int hashOf(final Object key)
    {
        final int h = (key == NULL_KEY ? 0x5bd1e995 : key.hashCode()) * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** The index stored for {@code key}, or -1. */
    private int find(final Object key, final int hash)
    {
        for (int i = hash & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++)
        {
            final Entry entry = slots.get(i);
            if (entry == null)
            {
                return -1;
            }
            if (entry.hash == hash && (entry.key == key || entry.key.equals(key)))
            {
                return entry.index;
            }
        }
        return -1;
    }

    private int insert(final Object key, final int hash)
    {
        final String value = key == NULL_KEY ? NULL_VALUE : key instanceof Enum ? ((Enum<?>)key).name() : (String)key;
        if (key == value && full)
        {
            return maxValues; // the over-cap path of a string: one missed probe and this flag
        }
        if (allowed != null && !allowed.contains(value))
        {
            return maxValues;
        }
        final int valueHash = key == value ? hash : hashOf(value);
        int index = key == value ? -1 : find(value, valueHash);
        if (index < 0)
        {
            index = claimIndex();
            if (index < 0)
            {
                return maxValues;
            }
            valuesByIndex[index] = value; // published to readers by the CAS that stores the entry
            final int winner = publish(value, valueHash, index, maxEntries);
            if (winner != index)
            {
                nextIndex.compareAndSet(index + 1, index); // another thread stored the same value first: give ours back if we can
                index = winner;
            }
        }
        if (key != value && index >= 0)
        {
            publish(key, hash, index, maxEntries - maxValues); // the enum's (or null's) alias: next time one probe
        }
        return index < 0 ? maxValues : index;
    }

    /** The next free index, or -1 once all are taken (then the table is full for ever). */
    private int claimIndex()
    {
        while (true)
        {
            final int index = nextIndex.get();
            if (index >= maxValues)
            {
                if (!full)
                {
                    full = true; // written once: over the cap, every call comes here, and a shared write on each would cost them all
                }
                return -1;
            }
            if (nextIndex.compareAndSet(index, index + 1))
            {
                if (index + 1 == maxValues)
                {
                    full = true;
                }
                return index;
            }
        }
    }

    /**
     * Stores {@code key -> index} unless the key is there already.
     *
     * @param limit entries the table may hold after this one: aliases stop {@code maxValues} short of
     *              {@link #maxEntries}, so a string entry (at most {@code maxValues} of them) always has room.
     * @return the index now stored for the key, or -1 if the table has no room left (aliases only).
     */
    private int publish(final Object key, final int hash, final int index, final int limit)
    {
        if (entries.incrementAndGet() > limit)
        {
            entries.decrementAndGet();
            return find(key, hash);
        }
        final Entry entry = new Entry(key, hash, index);
        for (int i = hash & mask; ; i = (i + 1) & mask)
        {
            if (slots.compareAndSet(i, null, entry))
            {
                return index;
            }
            final Entry other = slots.get(i);
            if (other.hash == hash && (other.key == key || other.key.equals(key)))
            {
                entries.decrementAndGet();
                return other.index;
            }
        }
    }

    private record Entry(Object key, int hash, int index)
    {
    }
}
