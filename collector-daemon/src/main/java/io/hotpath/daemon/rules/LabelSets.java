package io.hotpath.daemon.rules;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Label sets for exposition, built once per series and shared: a series' own labels as two flat
 * arrays, plus a few family-specific ones ({@code signal}, {@code detector}, {@code severity},
 * {@code window}) on top, rather than a copied map per sample. An extra label replaces a series
 * label of the same name, so a sample never carries a label twice. Writers iterate them by index
 * ({@link LabelSet#size()}, {@link LabelSet#name(int)}, {@link LabelSet#value(int)}) without
 * allocating; anything else sees an unmodifiable, insertion-ordered {@link Map}.
 */
public final class LabelSets
{
    private LabelSets()
    {
    }

    /** An unmodifiable copy of {@code labels}, in their iteration order. */
    public static LabelSet of(final Map<String, String> labels)
    {
        if (labels instanceof LabelSet set)
        {
            return set;
        }
        final String[] names = new String[labels.size()];
        final String[] values = new String[labels.size()];
        int i = 0;
        for (final Map.Entry<String, String> label : labels.entrySet())
        {
            names[i] = label.getKey();
            values[i] = label.getValue();
            i++;
        }
        return new LabelSet(names, values, EMPTY, EMPTY);
    }

    /** {@code base} followed by the {@code name, value} pairs of {@code extra}; shares the base's arrays. */
    public static LabelSet extend(final Map<String, String> base, final String... extra)
    {
        if ((extra.length & 1) != 0)
        {
            throw new IllegalArgumentException("extra labels come in name, value pairs");
        }
        final LabelSet baseSet = of(base);
        final String[] extraNames = new String[extra.length / 2];
        final String[] extraValues = new String[extra.length / 2];
        for (int i = 0; i < extraNames.length; i++)
        {
            extraNames[i] = extra[2 * i];
            extraValues[i] = extra[2 * i + 1];
        }
        String[] names = baseSet.allNames();
        String[] values = baseSet.allValues();
        int kept = 0;
        for (final String name : names)
        {
            if (!contains(extraNames, name))
            {
                kept++;
            }
        }
        if (kept != names.length)
        {
            // Rare: a series label named like a family label. Copy the base without it.
            final String[] keptNames = new String[kept];
            final String[] keptValues = new String[kept];
            int j = 0;
            for (int i = 0; i < names.length; i++)
            {
                if (!contains(extraNames, names[i]))
                {
                    keptNames[j] = names[i];
                    keptValues[j++] = values[i];
                }
            }
            names = keptNames;
            values = keptValues;
        }
        return new LabelSet(names, values, extraNames, extraValues);
    }

    private static final String[] EMPTY = new String[0];

    private static boolean contains(final String[] names, final String name)
    {
        for (final String candidate : names)
        {
            if (candidate.equals(name))
            {
                return true;
            }
        }
        return false;
    }

    /** An immutable label set: base labels, then extra ones. */
    public static final class LabelSet extends AbstractMap<String, String>
    {
        private final String[] baseNames;
        private final String[] baseValues;
        private final String[] extraNames;
        private final String[] extraValues;

        private LabelSet(final String[] baseNames, final String[] baseValues, final String[] extraNames,
            final String[] extraValues)
        {
            this.baseNames = baseNames;
            this.baseValues = baseValues;
            this.extraNames = extraNames;
            this.extraValues = extraValues;
        }

        @Override
        public int size()
        {
            return baseNames.length + extraNames.length;
        }

        public String name(final int index)
        {
            return index < baseNames.length ? baseNames[index] : extraNames[index - baseNames.length];
        }

        public String value(final int index)
        {
            return index < baseValues.length ? baseValues[index] : extraValues[index - baseValues.length];
        }

        private String[] allNames()
        {
            if (extraNames.length == 0)
            {
                return baseNames;
            }
            final String[] all = new String[size()];
            for (int i = 0; i < all.length; i++)
            {
                all[i] = name(i);
            }
            return all;
        }

        private String[] allValues()
        {
            if (extraValues.length == 0)
            {
                return baseValues;
            }
            final String[] all = new String[size()];
            for (int i = 0; i < all.length; i++)
            {
                all[i] = value(i);
            }
            return all;
        }

        @Override
        public String get(final Object key)
        {
            for (int i = 0; i < size(); i++)
            {
                if (name(i).equals(key))
                {
                    return value(i);
                }
            }
            return null;
        }

        @Override
        public boolean containsKey(final Object key)
        {
            return get(key) != null;
        }

        @Override
        public Set<Entry<String, String>> entrySet()
        {
            return new AbstractSet<>()
            {
                @Override
                public Iterator<Entry<String, String>> iterator()
                {
                    return new Iterator<>()
                    {
                        private int index;

                        @Override
                        public boolean hasNext()
                        {
                            return index < LabelSet.this.size();
                        }

                        @Override
                        public Entry<String, String> next()
                        {
                            if (!hasNext())
                            {
                                throw new NoSuchElementException();
                            }
                            final int i = index++;
                            return new SimpleImmutableEntry<>(name(i), value(i));
                        }
                    };
                }

                @Override
                public int size()
                {
                    return LabelSet.this.size();
                }
            };
        }
    }
}
