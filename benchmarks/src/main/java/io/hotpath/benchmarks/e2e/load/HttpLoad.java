package io.hotpath.benchmarks.e2e.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * JDK {@link HttpClient} load against a real server (benchmarks/cpu_per_call.py starts a loopback
 * nginx): one thread of synchronous GETs, the workload the agent's {@code jdk-httpclient} pack
 * instruments.
 *
 * <pre>
 * HttpLoad URL --warmup-calls N (--calls N [--rate R] | --seconds S)
 * </pre>
 * {@code --calls}: exactly N calls after the warm-up, at R calls/s (0 = back to back); {@code
 * --seconds}: back to back for S seconds (throughput). Prints one line {@code result calls=…
 * seconds=… rate=… cpuNanos=… errors=…}, CPU being this process's (kernel accounting) during the
 * measured calls.
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
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--calls" -> calls = Long.parseLong(args[++i]);
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--warmup-calls" -> warmup = Long.parseLong(args[++i]);
                default -> url = args[i];
            }
        }
        if (url == null || (calls < 0) == (seconds <= 0))
        {
            System.err.println("usage: HttpLoad URL --warmup-calls N (--calls N [--rate R] | --seconds S)");
            System.exit(2);
        }
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        final HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build();
        long errors = 0;
        for (long i = 0; i < warmup; i++)
        {
            errors += call(client, request);
        }
        final long cpuStart = cpuNanos();
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
        System.out.printf("result calls=%d seconds=%.3f rate=%.1f cpuNanos=%d errors=%d%n", done, elapsed, done / elapsed, cpu, errors);
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
