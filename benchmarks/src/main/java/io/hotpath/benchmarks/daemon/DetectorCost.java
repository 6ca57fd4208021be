package io.hotpath.benchmarks.daemon;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.hotpath.daemon.aggregate.ClosedInterval;
import io.hotpath.daemon.detect.AnomalyEngine;
import io.hotpath.daemon.detect.AnomalySettings;
import io.hotpath.daemon.detect.DetectorKind;
import io.hotpath.daemon.detect.DetectorStateFile;
import io.hotpath.daemon.detect.Signal;
import io.hotpath.daemon.detect.SignalSettings;

/**
 * What anomaly detection costs the daemon per series: {@code N} series (default 10,000) reported
 * every second for {@code S} seconds (default 300; the first 60 not timed) through a real
 * {@link AnomalyEngine} (three signals per series, each with the detectors named, default
 * {@code adaptive}; incidents); prints the thread CPU time per series-second (from the kernel, via
 * {@code ThreadMXBean}) beside the wall time, the heap retained per series after GC, and the size and
 * capture time of the learnt-state file ({@link DetectorStateFile}) for all series.
 *
 * <p>Run (after {@code mvn -o -pl benchmarks -am package -DskipTests}):
 * {@code java -Xmx2g -cp benchmarks/target/benchmarks.jar io.hotpath.benchmarks.daemon.DetectorCost [N] [S] [kinds]},
 * e.g. {@code ... DetectorCost 10000 300 adaptive} or {@code ... zscore,mad,levelshift}.
 */
public final class DetectorCost
{
    private DetectorCost()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        final int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        final List<DetectorKind> kinds = new ArrayList<>();
        for (final String kind : (args.length > 2 ? args[2] : "adaptive").split(","))
        {
            kinds.add(DetectorKind.fromLabel(kind));
        }
        final long t0 = 1_767_225_600_000L;
        final Random random = new Random(1);
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
        // 16 interval shapes, mixed per series and second: the engine, not the generator, is measured.
        final long[] calls = new long[16];
        final long[] nanos = new long[16];
        for (int v = 0; v < 16; v++)
        {
            calls[v] = 100 + random.nextInt(20);
            nanos[v] = (long)(2e6 * (1 + 0.05 * random.nextGaussian()));
        }
        final long before = usedHeap();
        final Map<Signal, SignalSettings> signals = new EnumMap<>(Signal.class);
        AnomalySettings.defaults().forMetric(null).forEach((signal, settings) -> signals.put(signal, new SignalSettings(kinds,
            settings.direction(), settings.minCount(), settings.minDeviation(), settings.relativeMinDeviation(), settings.detectorSettings())));
        final AnomalyEngine engine = new AnomalyEngine(new AnomalySettings(n, 256, Duration.ofMinutes(10), signals, Map.of()));
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
                engine.onInterval(new Interval(keys.get(i), labels.get(i), t0 + s * 1000L, calls[v], v == 3 ? 2 : 0, nanos[v]));
            }
        }
        final long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
        final long wall = System.nanoTime() - wallStart;
        final long after = usedHeap();
        if (engine.seriesWatched() != n)
        {
            throw new IllegalStateException("watched " + engine.seriesWatched());
        }
        final double seriesSeconds = (double)n * (seconds - warm);
        System.out.printf("detectors %s, series %d, seconds %d (first %d not timed): CPU %.2f µs per series-second (wall %.2f), "
                + "i.e. %.2f %% of one core for %d series; heap %.0f bytes per series (3 signals); events opened %d%n",
            kinds, n, seconds, warm, cpu / 1e3 / seriesSeconds, wall / 1e3 / seriesSeconds, 100.0 * cpu / 1e9 / (seconds - warm), n,
            (after - before) / (double)n, engine.eventsOpened());

        final Path dir = Files.createTempDirectory("detector-cost");
        final DetectorStateFile state = new DetectorStateFile(dir);
        final long captureCpu = threads.getCurrentThreadCpuTime();
        state.onCheckpoint(engine, t0 + seconds * 1000L, true, Runnable::run);
        final long saveCpu = threads.getCurrentThreadCpuTime() - captureCpu;
        System.out.printf("learnt state: %d bytes per series, saved (capture + write, CPU) in %.1f ms for %d series%n",
            Files.size(state.file()) / n, saveCpu / 1e6, n);
        Files.delete(state.file());
        Files.delete(dir);
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

    /** {@code count} calls of {@code nanos} each. */
    private record Interval(String seriesKey, Map<String, String> labels, long intervalStartEpochMillis, long count, long errorCount,
        long nanos) implements ClosedInterval
    {
        @Override
        public long payloadBytes()
        {
            return 0;
        }

        @Override
        public long quantileNanos(final double quantile)
        {
            return count == 0 ? 0 : nanos;
        }

        @Override
        public double meanNanos()
        {
            return nanos;
        }

        @Override
        public long countAtOrBelow(final long thresholdNanos)
        {
            return nanos <= thresholdNanos ? count : 0;
        }
    }
}
