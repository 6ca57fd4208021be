package io.hotpath.benchmarks.daemon;

import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.aggregate.Series;
import io.hotpath.daemon.aggregate.SeriesKey;
import java.util.Map;
import java.util.SplittableRandom;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * Heap of the aggregation state with every window full: {@code series} series, each receiving
 * {@code rate} log-normal samples per second (median 1 ms, sigma given), for 65 simulated
 * minutes, so that the 1 h window and every ring are full. Prints the heap retained after a full
 * GC, before and after, and the aggregator's own accounting. Not a timing claim, hence not JMH.
 *
 * <p>Run: {@code java -Xmx2g -cp benchmarks/target/benchmarks.jar io.hotpath.benchmarks.daemon.WindowMemoryFootprint
 * [series] [rate] [sigma] [json-file]}; with a fourth argument the figures are also written there as
 * JSON (for {@code benchmarks/run.sh}).
 */
public final class WindowMemoryFootprint
{
    private WindowMemoryFootprint()
    {
    }

    public static void main(final String[] args)
    {
        final int seriesCount = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        final int rate = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        final double sigma = args.length > 2 ? Double.parseDouble(args[2]) : 0.7;
        final long baseline = usedAfterGc();
        long now = 1_800_000_000_000L;
        final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), now);
        final Series[] series = new Series[seriesCount];
        for (int i = 0; i < seriesCount; i++)
        {
            series[i] = aggregator.registry().resolve(new SeriesKey("svc", "transport_send", "transport", Map.of("peer", "p" + i)));
        }
        final SplittableRandom random = new SplittableRandom(7);
        final long started = System.nanoTime();
        long samples = 0;
        for (int second = 0; second < 3900; second++)
        {
            final long end = now * 1_000_000L;
            for (final Series s : series)
            {
                for (int k = 0; k < rate; k++)
                {
                    aggregator.record(s, end, (long)Math.exp(Math.log(1e6) + random.nextGaussian() * sigma), false, 0, 128, false, 0, 0, 0);
                }
            }
            samples += (long)rate * seriesCount;
            now += 1000;
            aggregator.rotate(now);
        }
        final double seconds = (System.nanoTime() - started) / 1e9;
        final long used = usedAfterGc() - baseline;
        long accounted = 0;
        for (final Series s : series)
        {
            accounted += s.retainedBytes();
        }
        System.out.printf("series=%d rate=%d/s sigma=%.2f simulated=3900 s samples=%d wall=%.1f s (%.1f M samples/s incl. 3900 rotations)%n",
            seriesCount, rate, sigma, samples, seconds, samples / seconds / 1e6);
        System.out.printf("heap retained after GC: %.1f MiB (%.1f KiB per series); aggregator accounting: %.1f MiB%n",
            used / 1048576.0, used / 1024.0 / seriesCount, accounted / 1048576.0);
        System.out.printf("last rotation: %.2f ms for %d series; 1h window of series 0 holds %d samples%n",
            aggregator.latest().rotationDurationNanos() / 1e6, seriesCount, aggregator.latest().series().get(0).windowCounts()[3]);
        if (args.length > 3)
        {
            final String json = String.format(Locale.ROOT,
                "{\"series\": %d, \"ratePerSeries\": %d, \"sigma\": %.2f, \"simulatedSeconds\": 3900, \"samples\": %d, " +
                "\"wallSeconds\": %.1f, \"heapRetainedBytes\": %d, \"accountedBytes\": %d, \"wallMillisPerSimulatedSecond\": %.2f}%n",
                seriesCount, rate, sigma, samples, seconds, used, accounted, seconds * 1000 / 3900);
            try
            {
                Files.writeString(Paths.get(args[3]), json);
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static long usedAfterGc()
    {
        final Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 4; i++)
        {
            System.gc();
            try
            {
                Thread.sleep(100);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
