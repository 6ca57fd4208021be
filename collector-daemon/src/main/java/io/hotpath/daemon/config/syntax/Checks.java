package io.hotpath.daemon.config.syntax;

/**
 * Checks the config sections' setters share (daemon, act, remote write); the loader turns their
 * {@link IllegalArgumentException}s into "file:line: field: ..." messages.
 */
public final class Checks
{
    private Checks()
    {
    }

    public static String nonEmpty(final String value)
    {
        if (value == null || value.isBlank())
        {
            throw new IllegalArgumentException("must not be empty");
        }
        return value;
    }

    public static long positive(final long value)
    {
        if (value <= 0)
        {
            throw new IllegalArgumentException("must be positive, got " + value);
        }
        return value;
    }
}
