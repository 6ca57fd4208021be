package io.hotpath.agent.instrument;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Names close to one that matched nothing, for the match report: a misspelt class or method
 * ({@code TransportManger}), or a simple name where a fully qualified one is needed ({@code String}
 * for {@code java.lang.String}). Edit distance (Levenshtein) on the whole name and on the simple
 * name, bounded so that a look over tens of thousands of loaded class names stays cheap.
 */
final class ClosestNames
{
    private ClosestNames()
    {
    }

    /** Up to {@code max} names of {@code candidates} closest to {@code wanted}, closest first; only reasonably close ones. */
    static List<String> closest(final String wanted, final Collection<String> candidates, final int max)
    {
        final int limit = Math.max(1, Math.min(6, wanted.length() / 3));
        final String wantedSimple = simpleName(wanted);
        final int simpleLimit = Math.max(1, Math.min(4, wantedSimple.length() / 3));
        final boolean qualified = wanted.indexOf('.') >= 0;
        final List<Scored> scored = new ArrayList<>();
        for (final String candidate : candidates)
        {
            if (candidate.equals(wanted))
            {
                continue;
            }
            int score = Math.abs(candidate.length() - wanted.length()) <= limit ? distance(wanted, candidate, limit) : limit + 1;
            if (!qualified || score > limit)
            {
                // compare simple names too: "String" for "java.lang.String", or the right class in another package
                final String simple = simpleName(candidate);
                if (simple.length() > 0 && Math.abs(simple.length() - wantedSimple.length()) <= simpleLimit)
                {
                    final int simpleScore = distance(wantedSimple, simple, simpleLimit);
                    if (simpleScore <= simpleLimit)
                    {
                        score = Math.min(score, simpleScore + (qualified ? 1 : 0));
                    }
                }
            }
            if (score <= limit)
            {
                scored.add(new Scored(candidate, score));
            }
        }
        scored.sort(Comparator.comparingInt(Scored::score).thenComparing(Scored::name));
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < scored.size() && names.size() < max; i++)
        {
            if (!names.contains(scored.get(i).name))
            {
                names.add(scored.get(i).name);
            }
        }
        return names;
    }

    static String simpleName(final String name)
    {
        final int end = name.indexOf('(') >= 0 ? name.indexOf('(') : name.length();
        final String base = name.substring(0, end);
        return base.substring(Math.max(base.lastIndexOf('.'), base.lastIndexOf('$')) + 1);
    }

    /** Levenshtein distance, or {@code limit + 1} as soon as it must exceed {@code limit}. */
    static int distance(final String a, final String b, final int limit)
    {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            current[0] = i;
            int rowMin = current[0];
            for (int j = 1; j <= b.length(); j++)
            {
                final int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                rowMin = Math.min(rowMin, current[j]);
            }
            if (rowMin > limit)
            {
                return limit + 1;
            }
            final int[] swap = previous;
            previous = current;
            current = swap;
        }
        return Math.min(previous[b.length()], limit + 1);
    }

    private record Scored(String name, int score)
    {
    }
}
