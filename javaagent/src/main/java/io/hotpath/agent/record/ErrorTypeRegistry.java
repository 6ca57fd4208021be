package io.hotpath.agent.record;

import io.hotpath.agent.bootstrap.HotpathBridge;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Exception class to error type id, lock-free; the error type's name is the class's simple name.
 * Ids 1 to 6 are fixed ({@code returned_false}, {@code returned_null}, {@code other}, {@code http_4xx},
 * {@code http_5xx}, {@code http_status}); classes get ids from 7 up to the capacity, then {@link HotpathBridge#ERROR_OTHER}. Looking up a known class
 * allocates nothing. Ids are claimed by compare-and-set below the cap, so the id counter never
 * passes it however many threads race; every call whose class is folded into {@code other} by the
 * cap counts in {@link #overflows()} (reported with the label overflows: like a label value, its
 * error type was folded into "other").
 */
public final class ErrorTypeRegistry
{
    public static final int CAPACITY = 1024;
    private static final int FIRST_CLASS_ID = 7;

    private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(CAPACITY * 2);
    private final AtomicReferenceArray<String> namesById = new AtomicReferenceArray<>(CAPACITY + FIRST_CLASS_ID);
    private final AtomicInteger nextId = new AtomicInteger(FIRST_CLASS_ID);
    private final int mask = CAPACITY * 2 - 1;
    private final StripedCounter overflows = new StripedCounter();

    public ErrorTypeRegistry()
    {
        namesById.set(HotpathBridge.ERROR_RETURNED_FALSE, "returned_false");
        namesById.set(HotpathBridge.ERROR_RETURNED_NULL, "returned_null");
        namesById.set(HotpathBridge.ERROR_OTHER, "other");
        namesById.set(HotpathBridge.ERROR_HTTP_4XX, "http_4xx");
        namesById.set(HotpathBridge.ERROR_HTTP_5XX, "http_5xx");
        namesById.set(HotpathBridge.ERROR_HTTP_STATUS, "http_status");
    }

    /** Name of an error type id seen in a sample, or {@code null} if unknown. */
    public String name(final int id)
    {
        return id > 0 && id < namesById.length() ? namesById.get(id) : null;
    }

    public int idOf(final Throwable thrown)
    {
        final Class<?> type = thrown.getClass();
        final int hash = System.identityHashCode(type) * 0x9E3779B9;
        for (int i = (hash ^ (hash >>> 16)) & mask; ; i = (i + 1) & mask)
        {
            final Entry entry = slots.get(i);
            if (entry == null)
            {
                return insert(type, i);
            }
            if (entry.type == type)
            {
                return entry.id;
            }
        }
    }

    /** Calls whose exception class found the registry full and was recorded as {@code other}. */
    public long overflows()
    {
        return overflows.sum();
    }

    private int insert(final Class<?> type, final int startSlot)
    {
        int id;
        do
        {
            id = nextId.get();
            if (id >= CAPACITY + FIRST_CLASS_ID)
            {
                overflows.increment();
                return HotpathBridge.ERROR_OTHER;
            }
        }
        while (!nextId.compareAndSet(id, id + 1));
        namesById.set(id, simpleName(type));
        final Entry entry = new Entry(type, id);
        for (int i = startSlot; ; i = (i + 1) & mask)
        {
            if (slots.compareAndSet(i, null, entry))
            {
                return id;
            }
            final Entry other = slots.get(i);
            if (other.type == type)
            {
                return other.id;
            }
        }
    }

    static String simpleName(final Class<?> type)
    {
        String simple;
        try
        {
            simple = type.getSimpleName();
        }
        catch (final LinkageError inconsistentNest)
        {
            // e.g. a hidden or generated class whose InnerClasses attribute disagrees with its host's
            simple = "";
        }
        if (!simple.isEmpty())
        {
            return simple;
        }
        final String name = type.getName();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private record Entry(Class<?> type, int id)
    {
    }
}
