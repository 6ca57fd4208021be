package io.hotpath.daemon.detect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Arrays;

/**
 * A generated labelled corpus shaped like the Numenta Anomaly Benchmark: {@code timestamp,value}
 * files ({@code YYYY-MM-DD HH:MM:SS}) of operational signals, each anomaly labelled by one row, and
 * a {@code combined_windows.json} built the way NAB builds windows (10 % of the rows shared by the
 * anomalies, centred on them). Every file is seeded: the corpus is the same on every machine.
 *
 * <p>Two sets. {@code kinds/}: one anomaly kind per file on a clean base signal — spike, level shift
 * up, level shift down, drift, variance change, seasonal break, drop to zero, zero-heavy count
 * burst, plus normal files — at 1 s and 5 min spacing. {@code realistic/}: messier bases (AR(1)
 * noise, random walks, daily and weekly cycles, quantised values, benign unlabelled blips, slow
 * regime changes nobody would page for) with the same kinds of anomalies, two or three per file.
 * Generate to a directory with {@code main(dir)}.
 */
public final class LabelledCorpus
{
    /** 2026-01-05T00:00:00Z, a Monday. */
    static final long START_MILLIS = 1_767_571_200_000L;

    private static final DateTimeFormatter NAB_TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private LabelledCorpus()
    {
    }

    /** One generated file. */
    public record File(String name, long[] times, double[] values, int[] anomalyRows)
    {
        List<WindowScorer.Window> windows()
        {
            return WindowScorer.windowsAround(times, anomalyRows);
        }
    }

    public static void main(final String[] args) throws IOException
    {
        write(Path.of(args.length > 0 ? args[0] : "target/labelled-corpus"), all());
    }

    static List<File> all()
    {
        final List<File> files = new ArrayList<>(kinds());
        files.addAll(realistic());
        return files;
    }

    static void write(final Path dir, final List<File> files) throws IOException
    {
        final StringBuilder json = new StringBuilder("{\n");
        for (int f = 0; f < files.size(); f++)
        {
            final File file = files.get(f);
            final Path path = dir.resolve(file.name());
            Files.createDirectories(path.getParent());
            final StringBuilder csv = new StringBuilder("timestamp,value\n");
            for (int i = 0; i < file.times().length; i++)
            {
                csv.append(NAB_TIME.format(Instant.ofEpochMilli(file.times()[i]))).append(',')
                    .append(String.format(Locale.ROOT, "%.6g", file.values()[i])).append('\n');
            }
            Files.writeString(path, csv, StandardCharsets.UTF_8);
            json.append("  \"").append(file.name()).append("\": [");
            final List<WindowScorer.Window> windows = file.windows();
            for (int w = 0; w < windows.size(); w++)
            {
                json.append(w == 0 ? "\n" : ",\n").append("    [\"")
                    .append(NAB_TIME.format(Instant.ofEpochMilli(windows.get(w).startMillis()))).append(".000000\", \"")
                    .append(NAB_TIME.format(Instant.ofEpochMilli(windows.get(w).endMillis()))).append(".000000\"]");
            }
            json.append(windows.isEmpty() ? "]" : "\n  ]").append(f + 1 < files.size() ? ",\n" : "\n");
        }
        json.append("}\n");
        Files.writeString(dir.resolve("combined_windows.json"), json, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- kinds

    static List<File> kinds()
    {
        final List<File> files = new ArrayList<>();
        final String[] kinds = {"spike", "shift_up", "shift_down", "drift", "variance", "seasonal_break", "drop_to_zero",
            "count_burst", "normal"};
        int seed = 100;
        for (final long step : new long[] {1_000, 300_000})
        {
            for (final String kind : kinds)
            {
                final Random random = new Random(seed++);
                final int rows = 4000;
                final boolean seasonal = step == 300_000 && !kind.equals("count_burst");
                final double[] values = base(random, rows, step, kind.equals("count_burst") ? Base.COUNTS : Base.NOISE,
                    seasonal || kind.equals("seasonal_break"));
                final int at = 2600 + random.nextInt(600);
                final List<Integer> anomalies = new ArrayList<>();
                if (!kind.equals("normal"))
                {
                    inject(random, values, kind, at, step);
                    anomalies.add(at);
                }
                files.add(new File("kinds/" + kind + "_" + (step == 1000 ? "1s" : "5m") + ".csv", times(rows, step),
                    values, anomalies.stream().mapToInt(Integer::intValue).toArray()));
            }
        }
        return files;
    }

    // ---------------------------------------------------------------- realistic

    static List<File> realistic()
    {
        final List<File> files = new ArrayList<>();
        final String[] kinds = {"spike", "shift_up", "shift_down", "drift", "variance", "seasonal_break", "drop_to_zero",
            "count_burst"};
        final Base[] bases = {Base.AR, Base.WALK, Base.QUANTISED, Base.HEAVY_TAIL, Base.BURSTY, Base.REGIME, Base.NOISE,
            Base.COUNTS};
        for (int f = 0; f < 32; f++)
        {
            final Random random = new Random(9000 + f);
            final long step = f % 3 == 0 ? 60_000 : 300_000;
            final int rows = 3000 + random.nextInt(4000);
            Base base = bases[f % bases.length];
            final boolean seasonal = f % 2 == 0 && base != Base.WALK;
            final double[] values = base(random, rows, step, base, seasonal);
            benignNoise(random, values);
            final int count = 1 + random.nextInt(3);
            final int[] anomalies = new int[count];
            final int first = (int)(rows * 0.3);
            final int span = (rows - first - 50) / count;
            for (int a = 0; a < count; a++)
            {
                String kind = kinds[random.nextInt(kinds.length)];
                if (kind.equals("seasonal_break") && !seasonal)
                {
                    kind = "shift_down";
                }
                if (kind.equals("count_burst") && base != Base.COUNTS)
                {
                    kind = "spike";
                }
                anomalies[a] = first + a * span + random.nextInt(Math.max(1, span / 2));
                inject(random, values, kind, anomalies[a], step);
            }
            files.add(new File(String.format(Locale.ROOT, "realistic/r%02d_%s.csv", f, base.name().toLowerCase(Locale.ROOT)),
                times(rows, step), values, anomalies));
        }
        return files;
    }

    private enum Base
    {
        NOISE, AR, WALK, QUANTISED, HEAVY_TAIL, BURSTY, REGIME, COUNTS
    }

    private static long[] times(final int rows, final long step)
    {
        final long[] times = new long[rows];
        for (int i = 0; i < rows; i++)
        {
            times[i] = START_MILLIS + i * step;
        }
        return times;
    }

    /** A base signal: level 50 (counts: rate 0.3), with a daily (and weekly) cycle when seasonal. */
    private static double[] base(final Random random, final int rows, final long step, final Base base, final boolean seasonal)
    {
        final double[] values = new double[rows];
        final double rowsPerDay = 86_400_000.0 / step;
        final double level = 50;
        final double sigma = 2 + 3 * random.nextDouble();
        double ar = 0;
        double walk = 0;
        double regime = 0;
        for (int i = 0; i < rows; i++)
        {
            final double day = i / rowsPerDay;
            final double cycle = seasonal ? 0.5 * Math.sin(2 * Math.PI * day) * level * 0.6
                + (Math.floor(day) % 7 >= 5 ? -0.2 * level : 0) : 0;
            switch (base)
            {
                case AR -> {
                    ar = 0.8 * ar + random.nextGaussian() * sigma * 0.6;
                    values[i] = level + cycle + ar;
                }
                case WALK -> {
                    walk += random.nextGaussian() * sigma * 0.15;
                    walk *= 0.998;
                    values[i] = level + walk + random.nextGaussian() * sigma * 0.5;
                }
                case QUANTISED -> values[i] = Math.max(0, Math.round((level + cycle + random.nextGaussian() * sigma) / 2.5) * 2.5);
                case HEAVY_TAIL -> values[i] = level + cycle + sigma * studentT3(random);
                case BURSTY -> {
                    // a CPU: quiet noise plus frequent unlabelled bursts of exponential size
                    final double burst = random.nextDouble() < 0.03 ? sigma * 4 * -Math.log(random.nextDouble()) : 0;
                    values[i] = Math.max(0, level + cycle + random.nextGaussian() * sigma + burst);
                }
                case REGIME -> {
                    // small unlabelled level changes now and then (deploys, rebalancing)
                    if (random.nextDouble() < 1.0 / 800)
                    {
                        regime += (random.nextDouble() - 0.5) * 3 * sigma;
                    }
                    values[i] = level + cycle + regime + random.nextGaussian() * sigma;
                }
                case COUNTS -> values[i] = poisson(random, 0.3 * (1 + (seasonal ? 0.5 * Math.sin(2 * Math.PI * day) : 0)));
                case NOISE -> values[i] = level + cycle + random.nextGaussian() * sigma;
                default -> throw new IllegalStateException();
            }
        }
        return values;
    }

    /** Unlabelled life: isolated 1-row blips of 3-4.5σ in 0.5 % of rows and one slow, small level change. */
    private static void benignNoise(final Random random, final double[] values)
    {
        final double sigma = roughSigma(values);
        for (int i = 0; i < values.length; i++)
        {
            if (random.nextDouble() < 0.005)
            {
                values[i] += (random.nextBoolean() ? 1 : -1) * sigma * (3 + 1.5 * random.nextDouble());
            }
        }
        final int from = random.nextInt(values.length);
        final double delta = sigma * (random.nextDouble() - 0.5);
        for (int i = from; i < values.length; i++)
        {
            values[i] += delta * Math.min(1.0, (i - from) / 500.0);
        }
    }

    private static void inject(final Random random, final double[] values, final String kind, final int at, final long step)
    {
        final double sigma = roughSigma(values);
        final double level = mean(values, Math.max(0, at - 300), at);
        final int rowsPerHour = (int)Math.max(1, 3_600_000 / step);
        switch (kind)
        {
            case "spike" -> {
                final int length = 1 + random.nextInt(3);
                final double height = sigma * (6 + 6 * random.nextDouble());
                for (int i = at; i < Math.min(values.length, at + length); i++)
                {
                    values[i] += height;
                }
            }
            case "shift_up", "shift_down" -> {
                final double delta = (kind.equals("shift_up") ? 1 : -1) * sigma * (3 + 3 * random.nextDouble());
                final int length = random.nextBoolean() ? values.length : 100 + random.nextInt(300);
                for (int i = at; i < Math.min(values.length, at + length); i++)
                {
                    values[i] += delta;
                }
            }
            case "drift" -> {
                final double slope = sigma * (6 + 4 * random.nextDouble()) / 150;
                for (int i = at; i < values.length; i++)
                {
                    values[i] += slope * Math.min(i - at, 300);
                }
            }
            case "variance" -> {
                final double factor = 3 + 2 * random.nextDouble();
                for (int i = at; i < Math.min(values.length, at + 150); i++)
                {
                    values[i] = level + (values[i] - level) * factor;
                }
            }
            case "seasonal_break" -> {
                // a holiday: a whole day stays at the night's level
                final int length = Math.min(values.length - at, 24 * rowsPerHour);
                final double night = percentile(values, Math.max(0, at - 24 * rowsPerHour), at, 0.1);
                for (int i = at; i < at + length; i++)
                {
                    values[i] = night + (values[i] - level) * 0.1;
                }
            }
            case "drop_to_zero" -> {
                final int length = 10 + random.nextInt(40);
                for (int i = at; i < Math.min(values.length, at + length); i++)
                {
                    values[i] = 0;
                }
            }
            case "count_burst" -> {
                final int length = 5 + random.nextInt(20);
                for (int i = at; i < Math.min(values.length, at + length); i++)
                {
                    values[i] += poisson(random, 4);
                }
            }
            default -> throw new IllegalArgumentException(kind);
        }
    }

    private static double roughSigma(final double[] values)
    {
        // median absolute successive difference / (0.6745·√2): the noise, not the cycle
        final double[] diffs = new double[values.length - 1];
        for (int i = 1; i < values.length; i++)
        {
            diffs[i - 1] = Math.abs(values[i] - values[i - 1]);
        }
        Arrays.sort(diffs);
        final double sigma = diffs[diffs.length / 2] / (0.6745 * Math.sqrt(2));
        return sigma > 0 ? sigma : 1;
    }

    private static double mean(final double[] values, final int from, final int to)
    {
        double sum = 0;
        for (int i = from; i < to; i++)
        {
            sum += values[i];
        }
        return sum / Math.max(1, to - from);
    }

    private static double percentile(final double[] values, final int from, final int to, final double q)
    {
        final double[] copy = Arrays.copyOfRange(values, from, to);
        Arrays.sort(copy);
        return copy[(int)(q * (copy.length - 1))];
    }

    private static double studentT3(final Random random)
    {
        double chi = 0;
        for (int k = 0; k < 3; k++)
        {
            final double g = random.nextGaussian();
            chi += g * g;
        }
        return random.nextGaussian() / Math.sqrt(chi / 3) / Math.sqrt(3.0);
    }

    private static int poisson(final Random random, final double rate)
    {
        final double limit = Math.exp(-rate);
        double product = random.nextDouble();
        int n = 0;
        while (product > limit)
        {
            product *= random.nextDouble();
            n++;
        }
        return n;
    }

    /** File name to its windows, as a map, for scoring without writing files. */
    static Map<String, List<WindowScorer.Window>> windows(final List<File> files)
    {
        final Map<String, List<WindowScorer.Window>> windows = new LinkedHashMap<>();
        for (final File file : files)
        {
            windows.put(file.name(), file.windows());
        }
        return windows;
    }
}
