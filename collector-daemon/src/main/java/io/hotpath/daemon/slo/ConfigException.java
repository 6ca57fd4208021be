package io.hotpath.daemon.slo;

/**
 * A configuration file (SLO file, anomaly settings) is wrong. The message names the file, the line
 * and the field, and says what was expected, e.g.
 * {@code slo.yaml:14: slos[1].target: expected a ratio in (0, 1) such as 0.99 or "99%", got 1.5}.
 */
public final class ConfigException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final String field;

    public ConfigException(final String source, final int line, final String field, final String problem)
    {
        super(format(source, line, field, problem));
        this.source = source;
        this.line = line;
        this.field = field;
    }

    /** File name (or label) of the configuration. */
    public String source()
    {
        return source;
    }

    /** 1-based line, or 0 when unknown. */
    public int line()
    {
        return line;
    }

    /** Path of the field, e.g. {@code slos[1].sli.latency.threshold}; empty for the document itself. */
    public String field()
    {
        return field;
    }

    private static String format(final String source, final int line, final String field, final String problem)
    {
        final StringBuilder message = new StringBuilder(source);
        if (line > 0)
        {
            message.append(':').append(line);
        }
        message.append(": ");
        if (!field.isEmpty())
        {
            message.append(field).append(": ");
        }
        return message.append(problem).toString();
    }
}
