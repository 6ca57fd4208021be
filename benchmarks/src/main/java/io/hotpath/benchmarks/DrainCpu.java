package io.hotpath.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.sun.management.OperatingSystemMXBean;

/**
 * The agent's CPU per sample in a real JVM, from the kernel's per-thread accounting: run with
 * {@code -javaagent:hotpath-agent.jar=config=RULES,...} (rules: {@code DrainCpu rules}), it calls an
 * instrumented method ({@link InstrumentedCallBenchmark.Channel#sendMessage}: label from an enum
 * argument, payload size from a {@code byte[]}) at a fixed rate on one thread, and over a measured window
 * after a warm-up prints one JSON line: the {@code hotpath-drain} thread's CPU (its
 * {@code /proc/self/task/TID/schedstat} run time and its run count, i.e. wake-ups), the calling
 * thread's and the whole process's CPU, wall time, and the agent's recorded and dropped samples.
 * Per-thread CPU is what other processes on a shared machine disturb least: it counts only the time the
 * thread itself ran. Without {@code -javaagent} the same loop gives the calling thread's floor.
 *
 * <pre>
 * java -cp benchmarks.jar io.hotpath.benchmarks.DrainCpu run RATE WARMUP_SECONDS SECONDS
 * </pre>
 * {@code benchmarks/drain_cpu.py} runs it for several agent jars and rates, interleaved.
 */
public final class DrainCpu
{
    private static final String DRAIN_THREAD = "hotpath-drain";

    private DrainCpu()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length == 1 && "rules".equals(args[0]))
        {
            System.out.print(InstrumentedCallBenchmark.rules());
            return;
        }
        if (args.length != 4 || !"run".equals(args[0]))
        {
            System.err.println("usage: DrainCpu rules | DrainCpu run RATE WARMUP_SECONDS SECONDS");
            System.exit(2);
        }
        final long rate = Long.parseLong(args[1]);
        final long warmupNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
        final long windowNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
        final boolean agent = ManagementFactory.getRuntimeMXBean().getInputArguments().stream().anyMatch(a -> a.startsWith("-javaagent"));
        final InstrumentedCallBenchmark.AgentProbe probe = agent ? new InstrumentedCallBenchmark.AgentProbe() : null;

        final Caller caller = new Caller(rate);
        caller.runFor(warmupNanos);
        final Path drain = agent ? drainTask() : null;
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final OperatingSystemMXBean os = (OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();
        final long[] drainBefore = schedstat(drain);
        final long callerBefore = threads.getCurrentThreadCpuTime();
        final long processBefore = os.getProcessCpuTime();
        final long recordedBefore = agent ? probe.recorded() : 0;
        final long droppedBefore = agent ? probe.dropped() : 0;
        final long wallBefore = System.nanoTime();
        final long calls = caller.runFor(windowNanos);
        final long wall = System.nanoTime() - wallBefore;
        final long callerCpu = threads.getCurrentThreadCpuTime() - callerBefore;
        // the samples of the window are in the ring or drained: wait until the drain has read them
        if (agent)
        {
            probe.awaitEmpty();
        }
        final long[] drainAfter = schedstat(drain);
        final long processCpu = os.getProcessCpuTime() - processBefore;
        final long recorded = agent ? probe.recorded() - recordedBefore : 0;
        final long dropped = agent ? probe.dropped() - droppedBefore : 0;
        System.out.println(String.format(Locale.ROOT,
            "{\"rate\": %d, \"calls\": %d, \"wall_ns\": %d, \"caller_cpu_ns\": %d, \"process_cpu_ns\": %d, " +
                "\"drain_cpu_ns\": %d, \"drain_runs\": %d, \"recorded\": %d, \"dropped\": %d, \"sink\": %d}",
            rate, calls, wall, callerCpu, processCpu, drainAfter[0] - drainBefore[0], drainAfter[1] - drainBefore[1],
            recorded, dropped, caller.sink));
    }

    /** {@code /proc/self/task/TID} of the drain thread (found by its name). */
    private static Path drainTask() throws IOException
    {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc/self/task")))
        {
            for (final Path task : tasks)
            {
                final Path comm = task.resolve("comm");
                if (Files.isReadable(comm) && DRAIN_THREAD.equals(Files.readString(comm, StandardCharsets.US_ASCII).trim()))
                {
                    return task;
                }
            }
        }
        throw new IllegalStateException("no thread named " + DRAIN_THREAD + ": did the agent start?");
    }

    /** Nanoseconds on CPU and number of times run (schedstat fields 1 and 3), or zeros without a task. */
    private static long[] schedstat(final Path task) throws IOException
    {
        if (task == null)
        {
            return new long[2];
        }
        final String[] fields = Files.readString(task.resolve("schedstat"), StandardCharsets.US_ASCII).trim().split(" ");
        return new long[] { Long.parseLong(fields[0]), Long.parseLong(fields[2]) };
    }

    /**
     * Calls the instrumented method at a fixed rate: each millisecond it makes the calls due so far
     * (a burst, as a busy service's threads make them) and parks until the next.
     */
    private static final class Caller
    {
        private final InstrumentedCallBenchmark.Channel channel = new InstrumentedCallBenchmark.Channel();
        private final InstrumentedCallBenchmark.Kind[] kinds = InstrumentedCallBenchmark.Kind.values();
        private final byte[] message = new byte[256];
        private final long rate;
        long sink;

        Caller(final long rate)
        {
            this.rate = rate;
            message[0] = 1;
        }

        long runFor(final long nanos)
        {
            final long start = System.nanoTime();
            long made = 0;
            while (true)
            {
                final long elapsed = System.nanoTime() - start;
                if (elapsed >= nanos)
                {
                    return made;
                }
                final long due = (long)((double)elapsed * rate / 1e9);
                for (; made < due; made++)
                {
                    sink += channel.sendMessage(message, kinds[(int)(made % kinds.length)]) ? 1 : 0;
                }
                LockSupport.parkNanos(1_000_000L);
            }
        }
    }
}
