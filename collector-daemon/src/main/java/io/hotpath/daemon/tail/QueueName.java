package io.hotpath.daemon.tail;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A queue directory's name, {@code <service>-<pid>-<jvmStartEpochMillis>} (see SPOOL.md), parsed
 * from the end because the service part may itself contain dashes.
 */
public record QueueName(String directoryName, String service, long pid, long jvmStartEpochMillis)
{
    private static final Pattern PATTERN = Pattern.compile("([A-Za-z0-9._-]+)-(\\d{1,10})-(\\d{10,16})");

    /** @return the parsed name, or null when the directory is not a hotpath queue. */
    public static QueueName parse(final String directoryName)
    {
        final Matcher matcher = PATTERN.matcher(directoryName);
        if (!matcher.matches())
        {
            return null;
        }
        return new QueueName(directoryName, matcher.group(1), Long.parseLong(matcher.group(2)), Long.parseLong(matcher.group(3)));
    }
}
