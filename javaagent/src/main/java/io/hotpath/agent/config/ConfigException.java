package io.hotpath.agent.config;

/** A configuration error; the message names the source (file and line, or setting) and what was expected. */
public final class ConfigException extends Exception
{
    private static final long serialVersionUID = 1L;

    public ConfigException(final String message)
    {
        super(message);
    }

    public ConfigException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
