package io.hotpath.wire;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Layout of the spool on disk, the contract between the agent (writes) and hotpathd (tails); see
 * {@code SPOOL.md}. Both sides take every name below from here.
 *
 * <pre>
 *  spool/                                        2750, group shared with hotpathd
 *  +-- &lt;service&gt;-&lt;pid&gt;-&lt;jvmStartEpochMillis&gt;/      one queue per JVM, 2750
 *      +-- yyyyMMdd-HH'F'.cq4                     cycle files, FAST_HOURLY, UTC, 0640
 *      |     e.g. 20261123-11F.cq4 (cycle 498731)
 *      +-- metadata.cq4t                          Chronicle's table store, 0640
 *      +-- hotpath.closed                         empty; the agent is done with this queue
 * </pre>
 *
 * <ul>
 *   <li>{@code service} is restricted to {@code [A-Za-z0-9._-]} (the agent makes every other
 *       character {@code _}); {@code pid} has 1 to 10 digits, {@code jvmStartEpochMillis} 10 to 16;
 *       the name is parsed from its end, as the service may contain dashes.</li>
 *   <li>The roll cycle is fixed: Chronicle {@code FAST_HOURLY} (one file per UTC hour, file name
 *       {@value #CYCLE_FILE_FORMAT} + {@value #CYCLE_FILE_SUFFIX}, cycle = epoch hours). The daemon
 *       decodes cycle file names and Chronicle indexes with it, so a queue in any other roll cycle
 *       would be misread: the agent does not write one.</li>
 *   <li>{@value #CLOSED_MARKER} is created after the agent's last document, on a clean shutdown
 *       and when it gives its queue up after a fault. A queue is finished when the marker exists or
 *       its process is gone, and the daemon has read it to its end.</li>
 * </ul>
 */
public final class SpoolLayoutDescriptor
{
    /** The one roll cycle of every queue: a Chronicle {@code RollCycles} name. */
    public static final String ROLL_CYCLE = "FAST_HOURLY";
    /** {@link #ROLL_CYCLE}'s length: a cycle number is epoch millis divided by this. */
    public static final long ROLL_CYCLE_MILLIS = 3_600_000L;
    /** {@link #ROLL_CYCLE}'s file name pattern ({@link java.time.format.DateTimeFormatter}, UTC). */
    public static final String CYCLE_FILE_FORMAT = "yyyyMMdd-HH'F'";
    public static final String CYCLE_FILE_SUFFIX = ".cq4";
    public static final String CLOSED_MARKER = "hotpath.closed";
    /** Characters a service name keeps in a queue directory name; every other one becomes {@code _}. */
    public static final String SERVICE_CHARACTERS = "A-Za-z0-9._-";

    private static final Pattern QUEUE_NAME = Pattern.compile("([" + SERVICE_CHARACTERS + "]+)-(\\d{1,10})-(\\d{10,16})");

    private SpoolLayoutDescriptor()
    {
    }

    /** A queue directory's name, parsed. */
    public record QueueName(String directoryName, String service, long pid, long jvmStartEpochMillis)
    {
    }

    /** {@code name} with every character outside {@link #SERVICE_CHARACTERS} made {@code _}; {@code java} when empty. */
    public static String serviceName(final String name)
    {
        final String cleaned = name.replaceAll("[^" + SERVICE_CHARACTERS + "]", "_");
        return cleaned.isEmpty() ? "java" : cleaned;
    }

    /** The queue directory name of a JVM; {@code service} must already be a {@link #serviceName}. */
    public static String queueName(final String service, final long pid, final long jvmStartEpochMillis)
    {
        return service + "-" + pid + "-" + jvmStartEpochMillis;
    }

    /** @return the parsed name, or {@code null} when {@code directoryName} is not a queue directory. */
    public static QueueName parseQueueName(final String directoryName)
    {
        final Matcher matcher = QUEUE_NAME.matcher(directoryName);
        if (!matcher.matches())
        {
            return null;
        }
        try
        {
            return new QueueName(directoryName, matcher.group(1), Long.parseLong(matcher.group(2)), Long.parseLong(matcher.group(3)));
        }
        catch (final NumberFormatException tooLarge)
        {
            return null;
        }
    }
}
