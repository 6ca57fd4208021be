package io.hotpath.daemon.tail;

import io.hotpath.wire.SpoolLayoutDescriptor;

/**
 * A queue directory's name, {@code <service>-<pid>-<jvmStartEpochMillis>} (see SPOOL.md), parsed
 * from the end because the service part may itself contain dashes.
 */
public record QueueName(String directoryName, String service, long pid, long jvmStartEpochMillis)
{
    /** @return the parsed name ({@link SpoolLayoutDescriptor#parseQueueName}), or null when the directory is not a hotpath queue. */
    public static QueueName parse(final String directoryName)
    {
        final SpoolLayoutDescriptor.QueueName name = SpoolLayoutDescriptor.parseQueueName(directoryName);
        return name == null ? null : new QueueName(name.directoryName(), name.service(), name.pid(), name.jvmStartEpochMillis());
    }
}
