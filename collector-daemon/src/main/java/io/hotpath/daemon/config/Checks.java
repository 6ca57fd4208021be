package io.hotpath.daemon.config;

/** Checks the config sections' setters share; their messages become "file:line: field: ..." in {@link ConfigLoader}. */
final class Checks
{
    private Checks()
    {
    }

    static String nonEmpty(final String value)
    {
        if (value == null || value.isBlank())
        {
            throw new IllegalArgumentException("must not be empty");
        }
        return value;
    }

    static long positive(final long value)
    {
        if (value <= 0)
        {
            throw new IllegalArgumentException("must be positive, got " + value);
        }
        return value;
    }
}
