package io.hotpath.daemon.config;

/** A configuration problem, already phrased for the user: file, line, field, what was expected. */
public final class ConfigException extends Exception
{
    private static final long serialVersionUID = 1L;

    public ConfigException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
