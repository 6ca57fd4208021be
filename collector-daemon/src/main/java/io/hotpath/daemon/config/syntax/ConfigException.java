package io.hotpath.daemon.config.syntax;

/**
 * A problem in hotpathd's configuration (hotpathd.yaml, the SLO, anomaly and web files it names, a
 * {@code HOTPATHD_*} variable, a flag), phrased for the user: file, line, field, what was expected.
 * The daemon's one configuration exception; the agent has its own subclass of the shared
 * {@link io.hotpath.wire.config.ConfigException}.
 */
public final class ConfigException extends io.hotpath.wire.config.ConfigException
{
    private static final long serialVersionUID = 1L;

    public ConfigException(final String source, final int line, final int column, final String field, final String problem,
        final Throwable cause)
    {
        super(source, line, column, field, problem, cause);
    }

    public ConfigException(final String source, final int line, final String field, final String problem)
    {
        super(source, line, field, problem);
    }

    public ConfigException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
