package io.hotpath.daemon.rules;

import java.util.Map;

/**
 * Kept only while {@code detect.AnomalyEngine#writeMetrics} (test-only, being removed on the detect
 * branch) and its test use it: the daemon writes every family through
 * {@link io.hotpath.daemon.expose.MetricWriter}. Delete with {@link MetricFamilyWriter} then.
 *
 * <p>{@link MetricFamilyWriter} producing the Prometheus text exposition format 0.0.4 into a
 * {@link StringBuilder}: {@code # HELP} and {@code # TYPE} lines, label values escaped as the format
 * requires (backslash, double quote, line feed), {@code NaN} and {@code +Inf} spelled as Prometheus
 * reads them, and whole numbers without a fraction so counters read naturally.
 */
public final class PrometheusTextWriter implements MetricFamilyWriter
{
    private final StringBuilder out;

    public PrometheusTextWriter(final StringBuilder out)
    {
        this.out = out;
    }

    @Override
    public void family(final String name, final Type type, final String help)
    {
        out.append("# HELP ").append(name).append(' ');
        escapeHelp(help, out);
        out.append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type.text()).append('\n');
    }

    @Override
    public void sample(final String name, final Map<String, String> labels, final double value)
    {
        out.append(name);
        if (labels instanceof LabelSets.LabelSet set)
        {
            // The engines' precomputed sets: by index, no iterator or entry objects per sample.
            final int size = set.size();
            if (size > 0)
            {
                out.append('{');
                for (int i = 0; i < size; i++)
                {
                    if (i > 0)
                    {
                        out.append(',');
                    }
                    out.append(set.name(i)).append("=\"");
                    LabelValues.escape(set.value(i), out);
                    out.append('"');
                }
                out.append('}');
            }
        }
        else if (!labels.isEmpty())
        {
            out.append('{');
            boolean first = true;
            for (final Map.Entry<String, String> label : labels.entrySet())
            {
                if (!first)
                {
                    out.append(',');
                }
                first = false;
                out.append(label.getKey()).append("=\"");
                LabelValues.escape(label.getValue(), out);
                out.append('"');
            }
            out.append('}');
        }
        out.append(' ');
        appendValue(value, out);
        out.append('\n');
    }

    public StringBuilder output()
    {
        return out;
    }

    /** Prometheus spelling of a sample value; whole numbers below 2^53 print without a fraction. */
    public static void appendValue(final double value, final StringBuilder out)
    {
        if (Double.isNaN(value))
        {
            out.append("NaN");
        }
        else if (Double.isInfinite(value))
        {
            out.append(value > 0 ? "+Inf" : "-Inf");
        }
        else if (value == Math.rint(value) && Math.abs(value) < 0x1p53)
        {
            out.append((long)value);
        }
        else
        {
            out.append(value);
        }
    }

    private static void escapeHelp(final String help, final StringBuilder out)
    {
        for (int i = 0; i < help.length(); i++)
        {
            final char c = help.charAt(i);
            switch (c)
            {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }
}
