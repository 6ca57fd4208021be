package io.hotpath.agent.spool;

import io.hotpath.agent.AgentLog;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How long the JVM's threads waited for a CPU (Linux: {@code /proc/self/task/TID/schedstat}, its second field, the
 * nanoseconds a thread was runnable but not running). Read once per stats interval, on the drain thread: the reading
 * is the largest growth of any one thread since the read before (the thread the host starved most in that interval:
 * a driver thread whose calls waited; not the JVM's compilers, GC or VM thread), added to a total. On a host with CPU to spare it stays near zero whatever the
 * JVM does; on a starved one it is the share of the interval the JVM could not run. Unlike the drain's own wake-up
 * lateness it sees threads that run all the time, not one thread at its few wake-ups.
 *
 * <p>Cost: a directory listing and one small file read per thread (the system calls: 0.4 ms of CPU a read with 20
 * threads, 0.65 ms with 50, on a loaded 2-core VM; 1.1-1.5 ms while not yet compiled), once a second while the JVM
 * records calls ({@link #skip} otherwise: an idle agent reads nothing, and the next read starts afresh). -1 when {@code /proc} is not
 * there (not Linux) or stops being readable.
 */
final class RunQueueWait
{
    private static final File TASKS = new File("/proc/self/task");

    /**
     * The JVM's own threads, by the start of their name: compilers, GC, the VM thread. Their wait delays no call (and
     * a young JVM's compilers queue for a CPU on any busy host); GC pauses are read apart.
     */
    private static final String[] JVM_OWN = {"C1 Compiler", "C2 Compiler", "GC Thread", "G1 ", "VM Thread", "VM Periodic"};

    /**
     * Triples of thread id, its wait at the last read and 1 for one of the JVM's own threads (else 0), in the order
     * listed; {@link #current} fills the next read.
     */
    private long[] last = new long[192];
    private long[] current = new long[192];
    /** Threads in {@link #last}. */
    private int count;
    /** Whether a read was made: threads new since then waited only since they started. */
    private boolean read;
    private long totalNanos;
    private boolean available = TASKS.isDirectory();
    /** One schedstat file's bytes (three numbers). */
    private final byte[] buffer = new byte[128];

    /** Reads every thread's wait; returns the total of the per-interval largest growth, or -1. */
    long read()
    {
        if (!available)
        {
            return -1;
        }
        long worst = 0;
        int next = 0;
        int hint = 0;
        try
        {
            final String[] tasks = TASKS.list();
            if (tasks == null)
            {
                throw new IOException("cannot list " + TASKS);
            }
            for (final String task : tasks)
            {
                final long wait = waitNanos("/proc/self/task/" + task + "/schedstat");
                if (wait < 0)
                {
                    continue; // the thread ended meanwhile
                }
                final long tid = Long.parseLong(task);
                // /proc lists threads by id, so the last read's entry is usually at the hint or just after it
                long before = read ? 0 : wait; // a thread started since the last read waited only since it started
                long jvmOwn = -1;
                for (int i = 0; i < count; i++)
                {
                    final int at = (hint + i) % count;
                    if (last[3 * at] == tid)
                    {
                        before = last[3 * at + 1];
                        jvmOwn = last[3 * at + 2];
                        hint = at + 1;
                        break;
                    }
                }
                if (jvmOwn < 0)
                {
                    jvmOwn = jvmOwn(task) ? 1 : 0; // a thread not seen before: its name once
                }
                if (jvmOwn == 0)
                {
                    worst = Math.max(worst, wait - before);
                }
                if (3 * next == current.length)
                {
                    current = Arrays.copyOf(current, 6 * next);
                }
                current[3 * next] = tid;
                current[3 * next + 1] = wait;
                current[3 * next + 2] = jvmOwn;
                next++;
            }
        }
        catch (final IOException | RuntimeException e)
        {
            available = false;
            AgentLog.debug("no run-queue wait: " + e);
            return -1;
        }
        final long[] swap = last;
        last = current;
        current = swap.length >= last.length ? swap : new long[last.length];
        count = next;
        read = true;
        totalNanos += worst;
        return totalNanos;
    }

    /**
     * No read this interval (the JVM recorded no calls: nobody needs the reading); the next read is a fresh start,
     * so the waits of the skipped intervals are not taken for one interval's.
     */
    long skip()
    {
        read = false;
        count = 0;
        return available ? totalNanos : -1;
    }

    /** Whether thread {@code task} is one of the JVM's own ({@link #JVM_OWN}); false when its name cannot be read. */
    private boolean jvmOwn(final String task)
    {
        final int length;
        try (FileInputStream in = new FileInputStream("/proc/self/task/" + task + "/comm"))
        {
            length = in.read(buffer);
        }
        catch (final IOException e)
        {
            return false;
        }
        final String name = length <= 0 ? "" : new String(buffer, 0, length, StandardCharsets.US_ASCII);
        for (final String prefix : JVM_OWN)
        {
            if (name.startsWith(prefix))
            {
                return true;
            }
        }
        return false;
    }

    /** The second field of a schedstat file, or -1 when it is gone or not as expected. */
    private long waitNanos(final String schedstat)
    {
        final int length;
        try (FileInputStream in = new FileInputStream(schedstat))
        {
            length = in.read(buffer);
        }
        catch (final IOException e)
        {
            return -1;
        }
        int i = 0;
        while (i < length && buffer[i] != ' ')
        {
            i++;
        }
        i++;
        long value = 0;
        int digits = 0;
        for (; i < length && buffer[i] >= '0' && buffer[i] <= '9'; i++, digits++)
        {
            value = value * 10 + (buffer[i] - '0');
        }
        return digits == 0 ? -1 : value;
    }
}
