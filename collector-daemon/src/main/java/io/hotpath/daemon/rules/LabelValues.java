package io.hotpath.daemon.rules;

/**
 * The one escaper of label values, shared by everything hotpathd writes: the text exposition
 * (Prometheus 0.0.4 and OpenMetrics 1.0, through {@link io.hotpath.daemon.expose.Labels}) and the
 * PromQL string literals of the generated rules and dashboards ({@link PromQl}). Both grammars
 * escape the same three characters in a double-quoted value: backslash, double quote and line feed.
 *
 * <p>It lives here, beside {@link MetricNames}, because both the exposition ({@code expose}) and the
 * generators ({@code rules}) use it and {@code expose} already depends on this package, not the
 * other way round.
 */
public final class LabelValues
{
    private LabelValues()
    {
    }

    /** Appends {@code value} escaped; a value without the three characters is appended as it is. */
    public static void escape(final String value, final StringBuilder out)
    {
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    /** {@code value} escaped, as a new string (the string itself when nothing needs escaping). */
    public static String escape(final String value)
    {
        if (value.indexOf('\\') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0)
        {
            return value;
        }
        final StringBuilder out = new StringBuilder(value.length() + 8);
        escape(value, out);
        return out.toString();
    }
}
