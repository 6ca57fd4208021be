package io.hotpath.daemon.tail;

import io.hotpath.wire.SpoolLayoutDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether the JVM that writes a queue is still there: its {@code hotpath.closed} marker, else its
 * process (pid and start time from the QUEUE_HEADER, or the pid from the directory name before the
 * header is read). One stat and one process lookup per call.
 */
final class AgentLiveness
{
    /** A pid reused by a process that started this much after the queue's JVM is another process. */
    private static final long PID_REUSE_MARGIN_MILLIS = 60_000;

    private AgentLiveness()
    {
    }

    /** The agent is done with the queue: its closed marker exists or its process is gone. */
    static boolean gone(final Path directory, final QueueCheckpoint state)
    {
        return Files.exists(directory.resolve(SpoolLayoutDescriptor.CLOSED_MARKER)) || !processAlive(state);
    }

    static boolean processAlive(final QueueCheckpoint state)
    {
        final long pid = state.headerSeen ? state.pid : parsedPid(state.queue);
        if (pid <= 0)
        {
            return true;
        }
        final Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive())
        {
            return false;
        }
        // A reused pid belongs to a process that started well after the JVM that wrote this queue.
        final long jvmStart = state.headerSeen ? state.jvmStartEpochMillis : 0;
        final Optional<Instant> started = handle.get().info().startInstant();
        return jvmStart == 0 || started.isEmpty() || started.get().toEpochMilli() <= jvmStart + PID_REUSE_MARGIN_MILLIS;
    }

    private static long parsedPid(final String queue)
    {
        final QueueName name = QueueName.parse(queue);
        return name == null ? -1 : name.pid();
    }
}
