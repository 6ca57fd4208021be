package io.hotpath.daemon.testkit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A process's CPU time and resident set as the kernel accounts them (Linux /proc). */
public final class ProcCpu
{
    /** USER_HZ: the unit of utime/stime in /proc/PID/stat on every Linux architecture Java runs on. */
    public static final int TICKS_PER_SECOND = 100;

    private ProcCpu()
    {
    }

    /** utime + stime of the whole process (all threads), in ticks. */
    public static long ticks(final long pid) throws IOException
    {
        final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Run time per thread (name → nanoseconds) from /proc/PID/task/TID/schedstat; threads of one name are summed. */
    public static Map<String, Long> threadNanos(final long pid) throws IOException
    {
        final Map<String, Long> nanos = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task")))
        {
            for (final Path task : tasks)
            {
                try
                {
                    final String name = Files.readString(task.resolve("comm")).trim() + "#" + task.getFileName();
                    final long run = Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split(" ")[0]);
                    nanos.put(name, run);
                }
                catch (final IOException | RuntimeException threadEnded)
                {
                    // the thread ended while listing
                }
            }
        }
        return nanos;
    }

    /**
     * Times the threads named {@code comm} (the kernel's 15-character thread name) gave up the CPU of their own
     * accord ({@code voluntary_ctxt_switches} of /proc/PID/task/TID/status): a sleeping thread's wake-ups, a count
     * that a slow host does not change.
     */
    public static long voluntarySwitches(final long pid, final String comm) throws IOException
    {
        long switches = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task")))
        {
            for (final Path task : tasks)
            {
                try
                {
                    if (!Files.readString(task.resolve("comm")).trim().equals(comm))
                    {
                        continue;
                    }
                    for (final String line : Files.readAllLines(task.resolve("status")))
                    {
                        if (line.startsWith("voluntary_ctxt_switches:"))
                        {
                            switches += Long.parseLong(line.replaceAll("[^0-9]", ""));
                        }
                    }
                }
                catch (final IOException | RuntimeException threadEnded)
                {
                    // the thread ended while listing
                }
            }
        }
        return switches;
    }

    /** VmRSS in KiB. */
    public static long rssKib(final long pid) throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")))
        {
            if (line.startsWith("VmRSS:"))
            {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** Run time of a process's threads between two {@link #threadNanos} readings (a thread ended between them: left out). */
    public static long ranNanos(final Map<String, Long> before, final Map<String, Long> after)
    {
        long ran = 0;
        for (final Map.Entry<String, Long> thread : after.entrySet())
        {
            ran += ranNanos(before, thread);
        }
        return ran;
    }

    private static long ranNanos(final Map<String, Long> before, final Map.Entry<String, Long> thread)
    {
        return thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
    }

    /** The threads that ran most between two {@link #threadNanos} readings, "name percent-of-a-core", top {@code n}. */
    public static String topThreads(final Map<String, Long> before, final Map<String, Long> after, final double seconds, final int n)
    {
        final StringBuilder out = new StringBuilder();
        after.entrySet().stream()
            .map(e -> Map.entry(e.getKey().replaceAll("#\\d+$", ""), ranNanos(before, e)))
            .filter(e -> e.getValue() > 0)
            .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
            .limit(n)
            .forEach(e -> out.append(String.format("%s %.3f%%; ", e.getKey(), e.getValue() / seconds / 1e7)));
        return out.toString();
    }
}
