package io.hotpath.daemon.detect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Generates the labelled synthetic series under {@code src/test/resources/anomaly/}: fixed seeds
 * (java.util.Random's sequence is specified by the JDK), so {@code SyntheticSeriesTest} can check
 * that the checked-in files are what this class makes. Regenerate with
 * {@code java ... SyntheticSeries collector-daemon/src/test/resources/anomaly}.
 *
 * <ul>
 * <li>{@code spikes.csv} — p99 latency around 50 ms (log-normal noise, σ ≈ 3 ms, plus unlabelled
 *     one-second blips of 3–5σ in 1 % of seconds), 8 spikes of 2–5 s, half small (+12..+22 ms, 4–7σ)
 *     and half large (+30..+100 ms), labelled by a third column.</li>
 * <li>{@code level_shift.csv} — p99 latency around 20 ms (σ ≈ 1 ms) stepping to 27 ms at row 600
 *     and staying; the change is labelled in {@code level_shift.labels.csv} (start,end).</li>
 * <li>{@code noisy_normal.csv} — throughput around 200 calls/s with Poisson-like noise and a slow
 *     15-minute swing of ±30: normal all along, label column all 0.</li>
 * <li>{@code flapping.csv} — error ratio around 0.2 % with a 2-minute stretch flapping between
 *     5 % (4 s) and normal (3 s), labelled as one anomaly.</li>
 * </ul>
 */
public final class SyntheticSeries
{
    /** 2026-01-01T00:00:00Z. */
    static final long START_EPOCH_SECONDS = 1_767_225_600L;

    static final int LEVEL_SHIFT_ROW = 600;
    static final int FLAP_START_ROW = 700;
    static final int FLAP_END_ROW = 820;

    private SyntheticSeries()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final Path dir = Path.of(args.length > 0 ? args[0] : "collector-daemon/src/test/resources/anomaly");
        Files.createDirectories(dir);
        for (final Map.Entry<String, String> file : all().entrySet())
        {
            Files.writeString(dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
        }
    }

    /** File name to content, for every generated file. */
    static Map<String, String> all()
    {
        final Map<String, String> files = new LinkedHashMap<>();
        files.put("spikes.csv", spikes());
        files.put("level_shift.csv", levelShift());
        files.put("level_shift.labels.csv", levelShiftLabels());
        files.put("noisy_normal.csv", noisyNormal());
        files.put("flapping.csv", flapping());
        return files;
    }

    static String spikes()
    {
        final Random random = new Random(5001);
        final int rows = 1800;
        final double[] values = new double[rows];
        final boolean[] labels = new boolean[rows];
        for (int i = 0; i < rows; i++)
        {
            values[i] = 0.050 * Math.exp(0.06 * random.nextGaussian());
            // Normal life of a p99: 1 % of seconds have a one-second blip of 3-5 sigma (a GC pause, a slow disk).
            if (random.nextDouble() < 0.01)
            {
                values[i] += 0.003 * (3 + 2 * random.nextDouble());
            }
        }
        // 8 labelled spikes, spread out after the warm-up, 2-5 rows long, from +12 ms (4 sigma) to +100 ms.
        int position = 150;
        for (int spike = 0; spike < 8; spike++)
        {
            position += 120 + random.nextInt(80);
            final int length = 2 + random.nextInt(4);
            final double height = spike % 2 == 0 ? 0.012 + 0.010 * random.nextDouble() : 0.030 + 0.070 * random.nextDouble();
            for (int i = position; i < position + length; i++)
            {
                values[i] += height * (0.8 + 0.4 * random.nextDouble());
                labels[i] = true;
            }
        }
        final StringBuilder csv = new StringBuilder("timestamp,value,label\n");
        for (int i = 0; i < rows; i++)
        {
            row(csv, i, values[i]).append(',').append(labels[i] ? 1 : 0).append('\n');
        }
        return csv.toString();
    }

    static String levelShift()
    {
        final Random random = new Random(5002);
        final StringBuilder csv = new StringBuilder("# p99 latency in seconds, level shift at row 600\n");
        for (int i = 0; i < 1200; i++)
        {
            final double level = i < LEVEL_SHIFT_ROW ? 0.020 : 0.027;
            row(csv, i, level * Math.exp(0.05 * random.nextGaussian())).append('\n');
        }
        return csv.toString();
    }

    static String levelShiftLabels()
    {
        return "start,end\n" + (START_EPOCH_SECONDS + LEVEL_SHIFT_ROW) + ',' + (START_EPOCH_SECONDS + LEVEL_SHIFT_ROW + 30)
            + '\n';
    }

    static String noisyNormal()
    {
        final Random random = new Random(5003);
        final StringBuilder csv = new StringBuilder("timestamp,value,label\n");
        for (int i = 0; i < 3600; i++)
        {
            final double rate = 200 + 30 * Math.sin(2 * Math.PI * i / 900.0);
            final long count = Math.max(0, Math.round(rate + Math.sqrt(rate) * random.nextGaussian()));
            csv.append(START_EPOCH_SECONDS + i).append(',').append(count).append(",0\n");
        }
        return csv.toString();
    }

    static String flapping()
    {
        final Random random = new Random(5004);
        final StringBuilder csv = new StringBuilder("timestamp,value,label\n");
        for (int i = 0; i < 1500; i++)
        {
            final boolean flapWindow = i >= FLAP_START_ROW && i < FLAP_END_ROW;
            final boolean high = flapWindow && (i - FLAP_START_ROW) % 7 < 4;
            final double ratio = high
                ? 0.05 + 0.01 * random.nextGaussian()
                : Math.abs(0.002 + 0.001 * random.nextGaussian());
            row(csv, i, ratio).append(',').append(flapWindow ? 1 : 0).append('\n');
        }
        return csv.toString();
    }

    private static StringBuilder row(final StringBuilder csv, final int index, final double value)
    {
        return csv.append(START_EPOCH_SECONDS + index).append(',').append(String.format(Locale.ROOT, "%.6f", value));
    }
}
