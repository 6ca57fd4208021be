package io.hotpath.daemon.expose;

import io.hotpath.daemon.rules.LabelValues;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An immutable label set with its text form ({@code a="x",b="y"}, values escaped, UTF-8)
 * rendered once, so that writing a series' samples copies bytes instead of re-escaping strings.
 */
public final class Labels
{
    public static final Labels EMPTY = new Labels(new String[0], new String[0]);

    private final String[] names;
    private final String[] values;
    private final byte[] text;

    private Labels(final String[] names, final String[] values)
    {
        this.names = names;
        this.values = values;
        final StringBuilder builder = new StringBuilder();
        for (int i = 0; i < names.length; i++)
        {
            if (i > 0)
            {
                builder.append(',');
            }
            builder.append(names[i]).append("=\"");
            LabelValues.escape(values[i], builder);
            builder.append('"');
        }
        this.text = builder.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @param pairs alternating names and values. */
    public static Labels of(final String... pairs)
    {
        if ((pairs.length & 1) != 0)
        {
            throw new IllegalArgumentException("label names and values must come in pairs");
        }
        final String[] names = new String[pairs.length / 2];
        final String[] values = new String[pairs.length / 2];
        for (int i = 0; i < names.length; i++)
        {
            names[i] = pairs[2 * i];
            values[i] = pairs[2 * i + 1];
        }
        return new Labels(names, values);
    }

    public static Labels of(final Map<String, String> labels)
    {
        return new Labels(labels.keySet().toArray(new String[0]), labels.values().toArray(new String[0]));
    }

    public static Labels of(final List<String> names, final List<String> values)
    {
        return new Labels(names.toArray(new String[0]), values.toArray(new String[0]));
    }

    public int size()
    {
        return names.length;
    }

    public String name(final int i)
    {
        return names[i];
    }

    public String value(final int i)
    {
        return values[i];
    }

    /** The rendered {@code a="x",b="y"} bytes; do not modify. */
    byte[] text()
    {
        return text;
    }

    /**
     * {@code base} followed by the {@code name, value} pairs of {@code extra}: a family's own labels
     * ({@code window}, {@code outcome}, …) on top of a series' or an SLO's. An extra label replaces a
     * base label of the same name, so a sample never carries a label twice.
     */
    public static Labels extend(final Map<String, String> base, final String... extra)
    {
        if ((extra.length & 1) != 0)
        {
            throw new IllegalArgumentException("extra labels come in name, value pairs");
        }
        final List<String> names = new ArrayList<>(base.size() + extra.length / 2);
        final List<String> values = new ArrayList<>(base.size() + extra.length / 2);
        for (final Map.Entry<String, String> label : base.entrySet())
        {
            if (!isExtra(label.getKey(), extra))
            {
                names.add(label.getKey());
                values.add(label.getValue());
            }
        }
        for (int i = 0; i < extra.length; i += 2)
        {
            names.add(extra[i]);
            values.add(extra[i + 1]);
        }
        return of(names, values);
    }

    private static boolean isExtra(final String name, final String[] extra)
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
    public String toString()
    {
        return new String(text, StandardCharsets.UTF_8) + Arrays.toString(names);
    }
}
