package io.hotpath.daemon.aggregate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Interned error type names (simple exception class names, {@code returned_false}, …), numbered
 * densely so that per-series error counters are plain arrays indexed by type. Index 0 is
 * {@value #UNKNOWN} (an error sample without a type); past {@link #MAX_TYPES} names, new ones fold
 * into {@value #OTHER}. Owned by the aggregation thread; {@link #names()} copies for readers.
 */
public final class ErrorTypes
{
    public static final String UNKNOWN = "unknown";
    public static final String OTHER = "other";
    public static final int MAX_TYPES = 256;

    private final Map<String, Integer> indexByName = new HashMap<>();
    private final List<String> names = new ArrayList<>();

    public ErrorTypes()
    {
        intern(UNKNOWN);
        intern(OTHER);
    }

    /** Index of {@code name}, interning it (or {@code other} once full). */
    public int intern(final String name)
    {
        final Integer index = indexByName.get(name);
        if (index != null)
        {
            return index;
        }
        if (names.size() >= MAX_TYPES)
        {
            return indexByName.get(OTHER);
        }
        final int created = names.size();
        names.add(name);
        indexByName.put(name, created);
        return created;
    }

    public int size()
    {
        return names.size();
    }

    public String name(final int index)
    {
        return names.get(index);
    }

    public String[] names()
    {
        return names.toArray(new String[0]);
    }
}
