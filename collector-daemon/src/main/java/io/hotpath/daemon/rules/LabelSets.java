package io.hotpath.daemon.rules;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Label maps for exposition built once per series and shared: a series' own labels plus a few
 * family-specific ones ({@code signal}, {@code detector}, {@code severity}, {@code window}) as a view
 * of a few references, rather than a copied map per sample. An extra label replaces a series label
 * of the same name, so a sample never carries a label twice.
 */
public final class LabelSets
{
    private LabelSets()
    {
    }

    /** {@code base} followed by the {@code name, value} pairs of {@code extra}; a view, not a copy. */
    public static Map<String, String> extend(final Map<String, String> base, final String... extra)
    {
        if ((extra.length & 1) != 0)
        {
            throw new IllegalArgumentException("extra labels come in name, value pairs");
        }
        return new Extended(base, extra.clone());
    }

    private static final class Extended extends AbstractMap<String, String>
    {
        private final Map<String, String> base;
        private final String[] extra;

        Extended(final Map<String, String> base, final String[] extra)
        {
            this.base = base;
            this.extra = extra;
        }

        private boolean overridden(final String name)
        {
            for (int i = 0; i < extra.length; i += 2)
            {
                if (extra[i].equals(name))
                {
                    return true;
                }
            }
            return false;
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
                        private final Iterator<Entry<String, String>> baseEntries = base.entrySet().iterator();
                        private Entry<String, String> nextBase = advance();
                        private int extraIndex;

                        private Entry<String, String> advance()
                        {
                            while (baseEntries.hasNext())
                            {
                                final Entry<String, String> entry = baseEntries.next();
                                if (!overridden(entry.getKey()))
                                {
                                    return entry;
                                }
                            }
                            return null;
                        }

                        @Override
                        public boolean hasNext()
                        {
                            return nextBase != null || extraIndex < extra.length;
                        }

                        @Override
                        public Entry<String, String> next()
                        {
                            if (nextBase != null)
                            {
                                final Entry<String, String> entry = nextBase;
                                nextBase = advance();
                                return entry;
                            }
                            if (extraIndex >= extra.length)
                            {
                                throw new NoSuchElementException();
                            }
                            final Entry<String, String> entry =
                                new SimpleImmutableEntry<>(extra[extraIndex], extra[extraIndex + 1]);
                            extraIndex += 2;
                            return entry;
                        }
                    };
                }

                @Override
                public int size()
                {
                    int size = extra.length / 2;
                    for (final String name : base.keySet())
                    {
                        if (!overridden(name))
                        {
                            size++;
                        }
                    }
                    return size;
                }
            };
        }
    }
}
