package io.hotpath.daemon.detect;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.time.Duration;

/**
 * What anomaly detection costs the daemon per series: {@code N} series (default 10,000) reported
 * every second for {@code S} seconds (default 600) through a real {@link AnomalyEngine} with the
 * default settings (three signals, adaptive detector, incidents); prints the thread CPU time per
 * series-second and the heap retained per series (after GC). Run:
 * {@code java -cp <test classpath> io.hotpath.daemon.detect.DetectorCostMeasurement [N] [S]}.
 */
public final class DetectorCostMeasurement
{
    private DetectorCostMeasurement()
    {
    }

    public static void main(final String[] args)
    {
        final int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        final int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 600;
        final long t0 = 1_767_225_600_000L;
        final Random random = new Random(1);
        // 16 pre-built interval shapes per series: the engine, not the fake, is measured.
        final List<String> keys = new ArrayList<>();
        final List<Map<String, String>> labels = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final Map<String, String> l = new LinkedHashMap<>();
            l.put("service", "svc" + (i % 50));
            l.put("metric", "m" + (i % 20));
            l.put("id", Integer.toString(i));
            keys.add("series-" + i);
            labels.add(l);
        }
        final long[] calls = new long[16];
        final long[] nanos = new long[16];
        for (int v = 0; v < 16; v++)
        {
            calls[v] = 100 + random.nextInt(20);
            nanos[v] = (long)(2e6 * (1 + 0.05 * random.nextGaussian()));
        }
        final long before = usedHeap();
        final AnomalyEngine engine = new AnomalyEngine(new AnomalySettings(n, 256, Duration.ofMinutes(10),
            AnomalySettings.defaults().forMetric(null), Map.of()));
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = 0;
        long wallStart = 0;
        final int warm = Math.min(60, seconds / 2);
        for (int s = 0; s < seconds; s++)
        {
            if (s == warm)
            {
                cpuStart = threads.getCurrentThreadCpuTime();
                wallStart = System.nanoTime();
            }
            for (int i = 0; i < n; i++)
            {
                final int v = (i * 7 + s * 13) & 15;
                engine.onInterval(FakeInterval.uniform(keys.get(i), labels.get(i), t0 + s * 1000L, calls[v], v == 3 ? 2 : 0, nanos[v]));
            }
        }
        final long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
        final long wall = System.nanoTime() - wallStart;
        final long after = usedHeap();
        final double seriesSeconds = (double)n * (seconds - warm);
        System.out.printf("series %d, seconds %d (first %d not timed): CPU %.2f µs per series-second (wall %.2f), "
                + "i.e. %.1f %% of one core for %d series; heap %.0f bytes per series (3 signals); events opened %d%n",
            n, seconds, warm, cpu / 1e3 / seriesSeconds, wall / 1e3 / seriesSeconds, 100.0 * cpu / 1e9 / (seconds - warm), n,
            (after - before) / (double)n, engine.eventsOpened());
        if (engine.seriesWatched() != n)
        {
            throw new IllegalStateException("watched " + engine.seriesWatched());
        }
    }

    private static long usedHeap()
    {
        for (int i = 0; i < 3; i++)
        {
            System.gc();
        }
        final Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
