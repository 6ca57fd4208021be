package io.hotpath.daemon.rules;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.Locale;

/**
 * The metric names a PromQL expression reads: a small lexer that skips strings, label matchers,
 * ranges, comments, numbers, keywords, function names (an identifier followed by {@code (}) and the
 * label lists of {@code by}, {@code without}, {@code on}, {@code ignoring}, {@code group_left},
 * {@code group_right}; reads {@code {__name__="x"}} matchers. Grafana's {@code $__rate_interval} and
 * template variables appear only inside ranges and label values, where they are skipped.
 */
final class PromQlNames
{
    private static final Set<String> LABEL_LIST_KEYWORDS =
        Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan");

    private PromQlNames()
    {
    }

    static Set<String> of(final String expr)
    {
        final Set<String> names = new LinkedHashSet<>();
        final int length = expr.length();
        int i = 0;
        while (i < length)
        {
            final char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`')
            {
                i = skipString(expr, i);
            }
            else if (c == '{')
            {
                i = matchers(expr, i, names);
            }
            else if (c == '[')
            {
                i = expr.indexOf(']', i) + 1;
                if (i == 0)
                {
                    throw new IllegalArgumentException("unclosed [ in " + expr);
                }
            }
            else if (c == '#')
            {
                final int newline = expr.indexOf('\n', i);
                i = newline < 0 ? length : newline;
            }
            else if (Character.isDigit(c) || (c == '.' && i + 1 < length && Character.isDigit(expr.charAt(i + 1))))
            {
                i = skipNumber(expr, i);
            }
            else if (Character.isLetter(c) || c == '_' || c == ':')
            {
                final int start = i;
                while (i < length && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_' || expr.charAt(i) == ':'))
                {
                    i++;
                }
                final String identifier = expr.substring(start, i);
                final int next = skipSpace(expr, i);
                final String lower = identifier.toLowerCase(Locale.ROOT);
                if (LABEL_LIST_KEYWORDS.contains(lower))
                {
                    if (next < length && expr.charAt(next) == '(')
                    {
                        i = expr.indexOf(')', next) + 1;
                    }
                }
                else if (lower.equals("offset"))
                {
                    i = skipNumber(expr, next);
                }
                else if (KEYWORDS.contains(lower))
                {
                    continue;
                }
                else if (next < length && expr.charAt(next) == '(')
                {
                    i = next + 1;
                }
                else if (startsWithWord(expr, next, "by") || startsWithWord(expr, next, "without"))
                {
                    // An aggregation written `sum by (labels) (expr)`: the keyword's label list is skipped next.
                    continue;
                }
                else
                {
                    names.add(identifier);
                }
            }
            else
            {
                i++;
            }
        }
        return names;
    }

    private static int matchers(final String expr, final int open, final Set<String> names)
    {
        int i = open + 1;
        final StringBuilder beforeValue = new StringBuilder();
        while (i < expr.length() && expr.charAt(i) != '}')
        {
            final char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`')
            {
                final int end = skipString(expr, i);
                final String label = beforeValue.toString().replaceAll("[\\s,]", "");
                if (label.equals("__name__="))
                {
                    names.add(expr.substring(i + 1, end - 1));
                }
                beforeValue.setLength(0);
                i = end;
            }
            else
            {
                beforeValue.append(c);
                i++;
            }
        }
        if (i >= expr.length())
        {
            throw new IllegalArgumentException("unclosed { in " + expr);
        }
        return i + 1;
    }

    private static int skipString(final String expr, final int open)
    {
        final char quote = expr.charAt(open);
        int i = open + 1;
        while (i < expr.length())
        {
            final char c = expr.charAt(i);
            if (c == '\\' && quote != '`')
            {
                i += 2;
                continue;
            }
            if (c == quote)
            {
                return i + 1;
            }
            i++;
        }
        throw new IllegalArgumentException("unclosed string in " + expr);
    }

    private static int skipNumber(final String expr, final int start)
    {
        int i = start;
        while (i < expr.length() && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.'
            || ((expr.charAt(i) == '+' || expr.charAt(i) == '-') && i > start
                && (expr.charAt(i - 1) == 'e' || expr.charAt(i - 1) == 'E'))))
        {
            i++;
        }
        return i;
    }

    private static boolean startsWithWord(final String expr, final int at, final String word)
    {
        final int end = at + word.length();
        return expr.startsWith(word, at)
            && (end == expr.length() || !(Character.isLetterOrDigit(expr.charAt(end)) || expr.charAt(end) == '_'));
    }

    private static int skipSpace(final String expr, final int start)
    {
        int i = start;
        while (i < expr.length() && Character.isWhitespace(expr.charAt(i)))
        {
            i++;
        }
        return i;
    }
}
