package io.hotpath.agent.config;

/**
 * What an agent setting ({@link AgentConfig.Setting}) accepts, and how an error message says it
 * ({@code a size in bytes from 1k to 1g ...}). Its own file so that {@link AgentConfig} stays the
 * sources and their precedence.
 */
final class Check
{
    static final Check TEXT = new Check("text", 0, 0);
    static final Check BOOLEAN = new Check("boolean", 0, 0);
    static final Check LOG_LEVEL = new Check("level", 0, 0);
    static final Check ROLL_CYCLE = new Check("rollCycle", 0, 0);

    final String kind;
    final long min;
    final long max;

    private Check(final String kind, final long min, final long max)
    {
        this.kind = kind;
        this.min = min;
        this.max = max;
    }

    static Check size(final long min, final long max)
    {
        return new Check("size", min, max);
    }

    static Check integer(final long min, final long max)
    {
        return new Check("integer", min, max);
    }

    String expected()
    {
        switch (kind)
        {
            case "boolean": return "true or false";
            case "level": return "one of off, error, warn, info, debug";
            case "rollCycle": return "a Chronicle RollCycles name such as FAST_HOURLY or FAST_DAILY";
            case "size": return "a size in bytes " + range(formatSize(min), max == Long.MAX_VALUE ? null : formatSize(max)) +
                " (a number with an optional unit k, m, g or KiB, MiB, GiB, e.g. 4m or 8MiB)";
            case "integer": return "a whole number " + range(String.valueOf(min), String.valueOf(max));
            default: return "text";
        }
    }

    private static String range(final String min, final String max)
    {
        return max == null ? "of at least " + min : "from " + min + " to " + max;
    }

    private static String formatSize(final long bytes)
    {
        if (bytes % (1L << 30) == 0)
        {
            return (bytes >> 30) + "g";
        }
        if (bytes % (1L << 20) == 0)
        {
            return (bytes >> 20) + "m";
        }
        return bytes % (1L << 10) == 0 ? (bytes >> 10) + "k" : String.valueOf(bytes);
    }
}
