package io.hotpath.wire.config;

/**
 * A configuration problem, phrased for the user who has to fix it: the file (or variable, flag,
 * setting), the line and column when known, the field and what was expected, e.g.
 * {@code slo.yaml:14: slos[1].target: expected a ratio in (0, 1) such as 0.99 or "99%", got 1.5}.
 * The agent and the daemon each throw their own subclass (the agent's classes are relocated when it
 * is shaded), so both sides report configuration errors the same way.
 */
public class ConfigException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final String field;

    /** {@code line} 1-based, 0 when unknown; {@code column} 1-based, 0 when unknown; {@code field} may be empty. */
    public ConfigException(final String source, final int line, final int column, final String field, final String problem,
        final Throwable cause)
    {
        super(format(source, line, column, field, problem), cause);
        this.source = source;
        this.line = line;
        this.field = field;
    }

    public ConfigException(final String source, final int line, final String field, final String problem)
    {
        this(source, line, 0, field, problem, null);
    }

    /** A message already phrased with its place (several problems joined, or one wrapped with more context). */
    public ConfigException(final String message, final Throwable cause)
    {
        super(message, cause);
        this.source = "";
        this.line = 0;
        this.field = "";
    }

    /** File name, variable or flag the value came from; empty when the message was given whole. */
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

    /** {@code source:line:column: field: problem}, leaving out what is unknown. */
    public static String format(final String source, final int line, final int column, final String field, final String problem)
    {
        final StringBuilder message = new StringBuilder(source);
        if (line > 0)
        {
            message.append(':').append(line);
            if (column > 0)
            {
                message.append(':').append(column);
            }
        }
        message.append(": ");
        if (field != null && !field.isEmpty())
        {
            message.append(field).append(": ");
        }
        return message.append(problem).toString();
    }
}
