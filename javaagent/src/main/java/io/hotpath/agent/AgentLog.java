package io.hotpath.agent;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's own log: one line per event on stderr, prefixed {@code [hotpath]}, filtered by
 * {@code hotpath.log.level}. {@link #warnOnce} keeps repeated failures to one line.
 */
public final class AgentLog
{
    public static final int OFF = 0;
    public static final int ERROR = 1;
    public static final int WARN = 2;
    public static final int INFO = 3;
    public static final int DEBUG = 4;

    private static volatile int level = WARN;
    private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();

    private AgentLog()
    {
    }

    /** @return {@code false} if the name is not a level (the level is unchanged). */
    public static boolean setLevel(final String name)
    {
        switch (name.toLowerCase(Locale.ROOT))
        {
            case "off": level = OFF; return true;
            case "error": level = ERROR; return true;
            case "warn": level = WARN; return true;
            case "info": level = INFO; return true;
            case "debug": level = DEBUG; return true;
            default: return false;
        }
    }

    public static boolean enabled(final int atLevel)
    {
        return atLevel <= level;
    }

    public static void error(final String message, final Throwable cause)
    {
        log(ERROR, "ERROR", message, cause);
    }

    public static void warn(final String message)
    {
        log(WARN, "WARN", message, null);
    }

    public static void info(final String message)
    {
        log(INFO, "INFO", message, null);
    }

    public static void debug(final String message)
    {
        log(DEBUG, "DEBUG", message, null);
    }

    /** Logs a warning the first time {@code key} is seen. */
    public static void warnOnce(final String key, final String message)
    {
        if (ONCE.add(key))
        {
            warn(message);
        }
    }

    private static void log(final int atLevel, final String tag, final String message, final Throwable cause)
    {
        if (atLevel > level)
        {
            return;
        }
        final StringBuilder line = new StringBuilder("[hotpath] ").append(tag).append(' ').append(message);
        if (cause != null)
        {
            line.append(": ").append(cause);
            if (level >= DEBUG)
            {
                for (final StackTraceElement frame : cause.getStackTrace())
                {
                    line.append(System.lineSeparator()).append("\tat ").append(frame);
                }
            }
        }
        System.err.println(line);
    }
}
