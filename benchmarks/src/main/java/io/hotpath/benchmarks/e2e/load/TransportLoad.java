package io.hotpath.benchmarks.e2e.load;

import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import io.hotpath.demo.ExactResults;
import io.hotpath.demo.transport.EchoServer;
import io.hotpath.demo.transport.TransportManager;

/**
 * The service side of the end-to-end benchmark: the demo's transport service
 * ({@link TransportManager#sendMessage} over real loopback TCP to the demo's {@link EchoServer}, in
 * this JVM as in the demo) driven open-loop at a fixed rate, or flat out with {@code --rate 0}.
 * Runs with no agent, with the hotpath agent or with the OpenTelemetry agent; it knows nothing of
 * either. Only the JDK and {@code hotpath-demo.jar} are on its class path.
 *
 * <p>Coordinated omission: message {@code i} has an intended send time {@code start + i / rate},
 * fixed in advance; its response time is measured from that time, not from when a (possibly late)
 * driver thread got round to sending it, so a stall shows as the latency every message queued behind
 * it really saw. Messages are dealt round-robin to {@code --connections} driver threads, each with
 * its own {@link TransportManager} (one connection per transport type). A message still unsent when
 * the run ends counts as missed, with the time it had waited as a lower bound of its latency. The
 * service time (the call's own duration, which is what the demo and an agent time) is kept too.
 *
 * <p>Server delay: the demo's transports add 100–1 200 µs of simulated network delay on the echo
 * server; with {@code --server-delay none} (the default) it answers at once, so the call is a bare
 * loopback round trip of a few tens of µs, against which an agent's cost is visible at all, and
 * 100 k messages/s are within reach of a small machine. (Done through the demo's public extra-delay
 * hook with a large negative value: the echo server skips non-positive delays.)
 *
 * <p>Output: {@code --report FILE} (JSON: rates, counts, response/service time percentiles of the
 * measured window, CPU and GC of this JVM in the window) and {@code --results FILE} (the demo's exact
 * per-series results of every call, warm-up included, written by the demo's own {@link ExactResults}:
 * what the daemon's numbers are compared with).
 */
public final class TransportLoad
{
    /** Added to every transport's simulated delay: makes it negative, which the echo server skips. */
    private static final int NO_SERVER_DELAY_MICROS = -100_000_000;

    private final double rate;
    private final int connections;
    private final long warmupNanos;
    /** The window's CPU per thread name ({@link ThreadCpu#format}). */
    private String threadCpu = "";
    private long windowStartEpochMillis;
    private final long measureNanos;
    private final int payloadBytes;
    private final double errorRatio;
    private final boolean serverDelay;

    private TransportLoad(final Map<String, String> options)
    {
        rate = Double.parseDouble(options.getOrDefault("rate", "10000"));
        connections = Integer.parseInt(options.getOrDefault("connections", "4"));
        warmupNanos = duration(options.getOrDefault("warmup", "5s"));
        measureNanos = duration(options.getOrDefault("duration", "10s"));
        payloadBytes = Integer.parseInt(options.getOrDefault("payload-bytes", "256"));
        errorRatio = Double.parseDouble(options.getOrDefault("error-ratio", "0"));
        final String delay = options.getOrDefault("server-delay", "none");
        if (!delay.equals("none") && !delay.equals("demo"))
        {
            throw new IllegalArgumentException("--server-delay: expected none or demo, got " + delay);
        }
        serverDelay = delay.equals("demo");
        if (rate < 0 || connections < 1 || measureNanos <= 0)
        {
            throw new IllegalArgumentException("--rate >= 0, --connections >= 1 and --duration > 0 expected");
        }
    }

    public static void main(final String[] args) throws Exception
    {
        final Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++)
        {
            if (!args[i].startsWith("--") || i + 1 == args.length)
            {
                System.err.println("usage: TransportLoad [--rate N (messages/s, 0 = flat out)] [--connections N] [--warmup 5s] " +
                    "[--duration 10s] [--payload-bytes N] [--error-ratio R] [--server-delay none|demo] [--report FILE] [--results FILE]");
                System.exit(2);
            }
            options.put(args[i].substring(2), args[++i]);
        }
        final TransportLoad load = new TransportLoad(options);
        final String report = load.run(options.containsKey("results") ? Paths.get(options.get("results")) : null);
        if (options.containsKey("report"))
        {
            Files.writeString(Paths.get(options.get("report")), report, StandardCharsets.UTF_8);
        }
        System.out.println(report);
    }

    private String run(final Path resultsFile) throws Exception
    {
        try (EchoServer server = new EchoServer(); ExactResults exact = new ExactResults(null))
        {
            final LoadDriver[] drivers = new LoadDriver[connections];
            for (int t = 0; t < connections; t++)
            {
                final TransportManager transports = new TransportManager(server.address(), errorRatio, 42 + 1000L * t);
                if (!serverDelay)
                {
                    transports.setExtraDelayMicros(NO_SERVER_DELAY_MICROS);
                }
                drivers[t] = new LoadDriver(t, connections, rate, payloadBytes, transports, exact);
            }
            final long start = System.nanoTime() + 200_000_000L;
            final long windowStart = start + warmupNanos;
            final long windowEnd = windowStart + measureNanos;
            for (final LoadDriver driver : drivers)
            {
                driver.schedule(start, windowStart, windowEnd);
                driver.thread.start();
            }
            parkUntil(windowStart);
            windowStartEpochMillis = System.currentTimeMillis() - (System.nanoTime() - windowStart) / 1_000_000L;
            final long cpuStart = processCpuNanos();
            final ThreadCpu threadsStart = ThreadCpu.now();
            final long[] gcStart = gc();
            parkUntil(windowEnd);
            final long cpuEnd = processCpuNanos();
            threadCpu = ThreadCpu.format(ThreadCpu.now().since(threadsStart));
            final long[] gcEnd = gc();
            for (final LoadDriver driver : drivers)
            {
                driver.thread.join();
                driver.transports.close();
            }
            for (final LoadDriver driver : drivers)
            {
                if (driver.failure != null)
                {
                    throw new IllegalStateException("driver " + driver.index + " failed", driver.failure);
                }
            }
            if (resultsFile != null)
            {
                try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(resultsFile, StandardCharsets.UTF_8)))
                {
                    exact.writeResults(out);
                }
            }
            return report(drivers, exact, cpuEnd - cpuStart, gcEnd[0] - gcStart[0], gcEnd[1] - gcStart[1]);
        }
    }

    private String report(final LoadDriver[] drivers, final ExactResults exact, final long cpuNanos, final long gcCount, final long gcMillis)
    {
        int measured = 0;
        long completedInWindow = 0;
        long missed = 0;
        long errors = 0;
        for (final LoadDriver driver : drivers)
        {
            measured += driver.count;
            completedInWindow += driver.completedInWindow;
            missed += driver.missed;
            errors += driver.errors;
        }
        final long[] response = new long[measured];
        long[] service = new long[measured];
        int at = 0;
        int served = 0;
        for (final LoadDriver driver : drivers)
        {
            System.arraycopy(driver.response, 0, response, at, driver.count);
            at += driver.count;
            for (int i = 0; i < driver.count; i++)
            {
                if (driver.service[i] != LoadDriver.NOT_SENT)
                {
                    service[served++] = driver.service[i];
                }
            }
        }
        service = Arrays.copyOf(service, served);
        Arrays.sort(response);
        Arrays.sort(service);
        final double seconds = measureNanos / 1e9;
        final StringBuilder json = new StringBuilder(512).append("{\n");
        field(json, "targetRatePerSecond", rate);
        field(json, "connections", connections);
        field(json, "serverDelay", serverDelay ? "demo" : "none");
        field(json, "exactTiming", "inside sendMessage (lastCallNanos)");
        field(json, "warmupSeconds", warmupNanos / 1e9);
        field(json, "measuredSeconds", seconds);
        field(json, "messagesMeasured", measured);
        field(json, "messagesCompletedInWindow", completedInWindow);
        field(json, "messagesMissed", missed);
        field(json, "errors", errors);
        field(json, "callsTotal", exact.totalCalls());
        field(json, "achievedPerSecond", completedInWindow / seconds);
        json.append("  \"responseNanos\": ").append(percentiles(response)).append(",\n");
        json.append("  \"serviceNanos\": ").append(percentiles(service)).append(",\n");
        final StringBuilder slowest = new StringBuilder();
        for (final LoadDriver driver : drivers)
        {
            slowest.append(slowest.length() == 0 ? "" : "|").append(String.format(Locale.ROOT, "%.3f ms at %.3f s",
                driver.slowestService / 1e6, driver.slowestSentAfterWindowStart / 1e9));
        }
        field(json, "slowestServicePerDriver", slowest.toString());
        field(json, "windowStartEpochMillis", windowStartEpochMillis);
        field(json, "processCpuNanosPerMessage", completedInWindow == 0 ? 0 : (double)cpuNanos / completedInWindow);
        field(json, "processCpuCores", cpuNanos / (double)measureNanos);
        field(json, "threadCpuMicros", threadCpu);
        field(json, "gcCount", gcCount);
        json.append("  \"gcMillis\": ").append(gcMillis).append("\n}\n");
        return json.toString();
    }

    private static String percentiles(final long[] sorted)
    {
        if (sorted.length == 0)
        {
            return "null";
        }
        return String.format(Locale.ROOT, "{\"p50\": %d, \"p90\": %d, \"p99\": %d, \"p999\": %d, \"max\": %d, \"mean\": %.1f}",
            rank(sorted, 50), rank(sorted, 90), rank(sorted, 99), rank(sorted, 99.9), sorted[sorted.length - 1],
            Arrays.stream(sorted).average().orElse(0));
    }

    /** Nearest rank, as the demo's results (and HdrHistogram): the smallest value with at least p % of the values at or below it. */
    static long rank(final long[] sorted, final double percent)
    {
        return ExactResults.percentile(sorted, percent);
    }

    private static void field(final StringBuilder json, final String name, final Object value)
    {
        json.append("  \"").append(name).append("\": ");
        if (value instanceof String)
        {
            json.append('"').append(value).append('"');
        }
        else if (value instanceof Double)
        {
            json.append(String.format(Locale.ROOT, "%.3f", (Double)value));
        }
        else
        {
            json.append(value);
        }
        json.append(",\n");
    }

    static void parkUntil(final long deadline)
    {
        for (long now = System.nanoTime(); now < deadline; now = System.nanoTime())
        {
            LockSupport.parkNanos(deadline - now);
        }
    }

    private static long processCpuNanos()
    {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    private static long[] gc()
    {
        long count = 0;
        long millis = 0;
        for (final GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans())
        {
            count += Math.max(0, bean.getCollectionCount());
            millis += Math.max(0, bean.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    static long duration(final String text)
    {
        final String v = text.trim().toLowerCase(Locale.ROOT);
        if (v.endsWith("ms"))
        {
            return Long.parseLong(v.substring(0, v.length() - 2)) * 1_000_000L;
        }
        if (v.endsWith("s"))
        {
            return (long)(Double.parseDouble(v.substring(0, v.length() - 1)) * 1e9);
        }
        throw new IllegalArgumentException("expected a duration like 500ms or 10s, got '" + text + "'");
    }
}
