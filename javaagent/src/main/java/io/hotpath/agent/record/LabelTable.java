package io.hotpath.agent.record;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Label value to a small index, for one label taken from an argument. Multi-reader, multi-writer,
 * lock-free: an open-addressing table whose slots are claimed by CAS. Reading a known value
 * allocates nothing (enums and strings are their own keys; other objects are keyed by their
 * {@code toString()}, which the caller's object allocates). The first sight of a value allocates
 * its entry; beyond the cap (or outside the allowed set) the index is {@link #otherIndex()} and
 * nothing is stored, so the table never fills.
 */
final class LabelTable
{
    static final String OTHER = "other";
    private static final Object NULL_KEY = new Object();

    private final AtomicReferenceArray<Entry> slots;
    private final int mask;
    private final int maxValues;
    private final Set<String> allowed;
    private final AtomicInteger nextIndex = new AtomicInteger();
    private final String[] valuesByIndex;

    LabelTable(final int maxValues, final List<String> allowed)
    {
        this.maxValues = maxValues;
        this.allowed = allowed == null ? null : new HashSet<>(allowed);
        final int capacity = Integer.highestOneBit(Math.max(4, maxValues * 2 - 1)) << 1;
        this.slots = new AtomicReferenceArray<>(capacity);
        this.mask = capacity - 1;
        this.valuesByIndex = new String[maxValues + 1];
        valuesByIndex[maxValues] = OTHER;
    }

    /** Index for "other": folded values. */
    int otherIndex()
    {
        return maxValues;
    }

    /** The label value string of an index returned by {@link #indexOf}. */
    String value(final int index)
    {
        return valuesByIndex[index];
    }

    /**
     * @return the value's index, or {@link #otherIndex()} when it is folded; the caller counts
     *         folded values as label overflows.
     */
    int indexOf(final Object argument)
    {
        final Object key = argument == null ? NULL_KEY :
            argument instanceof Enum || argument instanceof String ? argument : argument.toString();
        final int hash = mix(key == NULL_KEY ? 0 : key.hashCode());
        for (int i = hash & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++)
        {
            final Entry entry = slots.get(i);
            if (entry == null)
            {
                return insert(key, i);
            }
            if (entry.key == key || entry.key.equals(key))
            {
                return entry.index;
            }
        }
        return maxValues;
    }

    private int insert(final Object key, final int startSlot)
    {
        final String value = key == NULL_KEY ? "null" : key instanceof Enum ? ((Enum<?>)key).name() : key.toString();
        if (allowed != null && !allowed.contains(value))
        {
            return maxValues;
        }
        int index = existingIndex(value);
        if (index < 0)
        {
            index = nextIndex.getAndIncrement();
            if (index >= maxValues)
            {
                nextIndex.set(maxValues);
                return maxValues;
            }
            valuesByIndex[index] = value;
        }
        final Entry entry = new Entry(key, index);
        for (int i = startSlot; ; i = (i + 1) & mask)
        {
            if (slots.compareAndSet(i, null, entry))
            {
                return index;
            }
            final Entry other = slots.get(i);
            if (other.key == key || other.key.equals(key))
            {
                return other.index; // another thread inserted the same value first; our index stays unused
            }
        }
    }

    /** An enum and a string with the same name share one index, so they share a series. */
    private int existingIndex(final String value)
    {
        for (int i = 0, n = Math.min(nextIndex.get(), maxValues); i < n; i++)
        {
            if (value.equals(valuesByIndex[i]))
            {
                return i;
            }
        }
        return -1;
    }

    private static int mix(final int hash)
    {
        final int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private record Entry(Object key, int index)
    {
    }
}
