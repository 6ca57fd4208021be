package io.hotpath.benchmarks.e2e.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * JDK {@link HttpClient} load against a real server (benchmarks/cpu_per_call.py starts a loopback
 * nginx): one thread of synchronous GETs, the workload the agent's {@code jdk-httpclient} pack
 * instruments.
 *
 * <pre>
 * HttpLoad URL --warmup-calls N [--warmup-seconds W] (--calls N [--rate R] | --seconds S)
 * HttpLoad URL --control FILE
 * </pre>
 * {@code --control}: back to back until the script asks it to stop, the count of calls in FILE
 * ({@link ControlFile}); the script times the run's slices itself (cpu_per_call.py --warm-jvms).
 * The warm-up is back to back, at least N calls and at least W seconds: the JIT compiles the
 * client's pipeline (and an agent's advice in it) for tens of seconds, and a window that starts
 * earlier measures the compilers as much as the calls (benchmarks/RESULTS.md, 2026-12-06 evening).
 * {@code --calls}: exactly N calls after the warm-up, at R calls/s (0 = back to back); {@code
 * --seconds}: back to back for S seconds (throughput). Prints one line {@code result calls=…
 * seconds=… rate=… cpuNanos=… errors=…}, CPU being this process's (kernel accounting) during the
 * measured calls. Before it, one line {@code warmup calls=… seconds=… rate=… cpuNanos=…}; after
 * it, one line {@code threads name:µs|…}: the window's CPU per thread name ({@link ThreadCpu}).
 */
public final class HttpLoad
{
    private HttpLoad()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        String url = null;
        long calls = -1;
        double rate = 0;
        double seconds = 0;
        long warmup = 0;
        double warmupSeconds = 0;
        Path control = null;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--calls" -> calls = Long.parseLong(args[++i]);
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--warmup-calls" -> warmup = Long.parseLong(args[++i]);
                case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(args[++i]);
                case "--control" -> control = Paths.get(args[++i]);
                default -> url = args[i];
            }
        }
        if (url == null || (control == null && (calls < 0) == (seconds <= 0)))
        {
            System.err.println("usage: HttpLoad URL --warmup-calls N [--warmup-seconds W] (--calls N [--rate R] | --seconds S)" +
                " | HttpLoad URL --control FILE");
            System.exit(2);
        }
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        // no timeout under --control: the script stops this JVM (SIGSTOP) for minutes while the others warm up, a call may be
        // in flight, and a timeout counts the stopped time
        final HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url));
        final HttpRequest request = (control == null ? builder.timeout(Duration.ofSeconds(10)) : builder).build();
        if (control != null)
        {
            final ControlFile file = new ControlFile(control);
            long done = 0;
            long errors = 0;
            while (!file.stopRequested())
            {
                errors += call(client, request);
                file.calls(++done);
            }
            System.out.printf("controlled calls=%d errors=%d%n", done, errors);
            return;
        }
        long errors = 0;
        final long warmupCpu = cpuNanos();
        final long warmupStart = System.nanoTime();
        final long warmupEnd = warmupStart + (long)(warmupSeconds * 1e9);
        long warmed = 0;
        while (warmed < warmup || System.nanoTime() < warmupEnd)
        {
            errors += call(client, request);
            warmed++;
        }
        final double warmupElapsed = (System.nanoTime() - warmupStart) / 1e9;
        final long cpuStart = cpuNanos();
        System.out.printf("warmup calls=%d seconds=%.3f rate=%.1f cpuNanos=%d%n", warmed, warmupElapsed, warmed / warmupElapsed,
            cpuStart - warmupCpu);
        final ThreadCpu threadsStart = ThreadCpu.now();
        final long start = System.nanoTime();
        long done = 0;
        if (seconds > 0)
        {
            final long end = start + (long)(seconds * 1e9);
            while (System.nanoTime() < end)
            {
                errors += call(client, request);
                done++;
            }
        }
        else
        {
            final double interval = rate > 0 ? 1e9 / rate : 0;
            for (; done < calls; done++)
            {
                if (interval > 0)
                {
                    final long due = start + (long)(done * interval);
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0)
                    {
                        LockSupport.parkNanos(wait);
                    }
                }
                errors += call(client, request);
            }
        }
        final double elapsed = (System.nanoTime() - start) / 1e9;
        final long cpu = cpuNanos() - cpuStart;
        final String threads = ThreadCpu.format(ThreadCpu.now().since(threadsStart));
        System.out.printf("result calls=%d seconds=%.3f rate=%.1f cpuNanos=%d errors=%d%n", done, elapsed, done / elapsed, cpu, errors);
        System.out.println("threads " + threads);
    }

    private static int call(final HttpClient client, final HttpRequest request) throws Exception
    {
        final HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return response.statusCode() == 200 ? 0 : 1;
    }

    private static long cpuNanos()
    {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }
}
