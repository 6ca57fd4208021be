package io.hotpath.benchmarks.e2e.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * This process's CPU time per thread, from the kernel ({@code /proc/self/task/TID/schedstat}: time
 * on a CPU in nanoseconds), grouped by thread name with its digits replaced by {@code N} (the JVM
 * names its native threads after the Java ones, truncated to 15 characters: {@code C2 CompilerThre},
 * {@code HttpClient-N-Wo}). Where a window's CPU goes: the application's threads, the JIT, the GC,
 * an agent's own threads. Linux only; elsewhere empty.
 */
final class ThreadCpu
{
    private final Map<String, Long> byTid;
    private final Map<String, String> names;

    private ThreadCpu(final Map<String, Long> byTid, final Map<String, String> names)
    {
        this.byTid = byTid;
        this.names = names;
    }

    static ThreadCpu now()
    {
        final Map<String, Long> byTid = new HashMap<>();
        final Map<String, String> names = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc/self/task")))
        {
            for (final Path task : tasks)
            {
                try
                {
                    final String stat = new String(Files.readAllBytes(task.resolve("schedstat")), StandardCharsets.US_ASCII);
                    final String comm = new String(Files.readAllBytes(task.resolve("comm")), StandardCharsets.UTF_8).trim();
                    byTid.put(task.getFileName().toString(), Long.parseLong(stat.split(" ", 2)[0]));
                    names.put(task.getFileName().toString(), comm.replaceAll("[0-9]+", "N"));
                }
                catch (final IOException | RuntimeException e)
                {
                    // the thread ended meanwhile
                }
            }
        }
        catch (final IOException | RuntimeException e)
        {
            // not Linux: nothing to report
        }
        return new ThreadCpu(byTid, names);
    }

    /**
     * CPU nanoseconds per thread name from {@code start} to this snapshot (threads started meanwhile
     * count from 0; threads that ended meanwhile are lost, so the sum can be below the process's).
     */
    Map<String, Long> since(final ThreadCpu start)
    {
        final Map<String, Long> out = new TreeMap<>();
        for (final Map.Entry<String, Long> e : byTid.entrySet())
        {
            final long before = start.byTid.getOrDefault(e.getKey(), 0L);
            out.merge(names.get(e.getKey()), Math.max(0, e.getValue() - before), Long::sum);
        }
        return out;
    }

    /** {@code name:microseconds|name:microseconds…}, largest first (names may hold spaces, never ':' or '|'). */
    static String format(final Map<String, Long> nanos)
    {
        final StringBuilder out = new StringBuilder();
        nanos.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).forEach(e ->
        {
            if (out.length() > 0)
            {
                out.append('|');
            }
            out.append(e.getKey().replace(':', '_').replace('|', '_')).append(':').append(e.getValue() / 1000);
        });
        return out.toString();
    }
}
