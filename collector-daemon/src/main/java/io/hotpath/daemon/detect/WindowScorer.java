package io.hotpath.daemon.detect;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;

/**
 * Window-based scoring of alerts against labelled anomaly windows, the way the Numenta Anomaly
 * Benchmark (NAB) scores a detector, plus a window-level F1.
 *
 * <p><b>Windows.</b> Each labelled anomaly sits in the middle of a window; with NAB's labelling
 * ({@link #windowsAround}) the windows of a file share 10 % of its rows, centred on the anomalies,
 * overlapping ones merged. A JSON of windows reads like NAB's {@code combined_windows.json}:
 * {@code {"dir/file.csv": [["2014-04-10 07:15:00.000000", "2014-04-11 16:45:00.000000"], …]}}, both
 * ends inclusive.
 *
 * <p><b>Score of one file</b> (NAB's sweeper): the first {@code min(floor(15 % of rows), 750)} rows
 * are probation (alerts there are ignored, windows wholly inside it are not scored). An alert inside
 * a window scores {@code tp·S(−(right − i + 1)/width)/S(−1)}, with {@code S(x) = 2·sigmoid(−5x) − 1}:
 * near 1 at the window's left edge, 0.85 in its middle, near 0 at its end; a window counts its best
 * alert only, later ones are free. A window with no alert costs {@code fn}. An alert outside every
 * window costs {@code fp·S(distance past the previous window's right edge / (its width − 1))}, i.e.
 * little just after a window and the full {@code fp} far from it (or before the first window).
 *
 * <p><b>Normalised score</b> of a corpus: raw scores summed over the files, then
 * {@code 100·(raw − null)/(perfect − null)}, where the null detector raises nothing (every window
 * missed) and the perfect one alerts on the first row of every window: 100 is perfect, 0 is silence,
 * and a detector that cries wolf goes below 0.
 */
public final class WindowScorer
{
    /** NAB's "standard" application profile. */
    public static final Profile STANDARD = new Profile("standard", 1.0, 0.11, 1.0);

    private static final double MAX_TP = scaledSigmoid(-1.0);

    private WindowScorer()
    {
    }

    /** Weights of a true positive, a false positive and a missed window. */
    public record Profile(String name, double tpWeight, double fpWeight, double fnWeight)
    {
    }

    /** An anomaly window, both ends inclusive, epoch milliseconds. */
    public record Window(long startMillis, long endMillis)
    {
    }

    /** How one file scored. */
    public record FileScore(
        String name,
        int rows,
        int probationRows,
        int windows,
        int detectedWindows,
        int alerts,
        int falsePositives,
        double raw,
        double nullScore,
        double perfectScore)
    {
        public int missedWindows()
        {
            return windows - detectedWindows;
        }

        /** The file alone, normalised (NaN for a file without scored windows). */
        public double normalised()
        {
            return perfectScore == nullScore ? Double.NaN : 100 * (raw - nullScore) / (perfectScore - nullScore);
        }
    }

    /** NAB's scaled sigmoid of a relative position in (negative) or past (positive) a window. */
    static double scaledSigmoid(final double relativePosition)
    {
        if (relativePosition >= 3.0)
        {
            return -1.0;
        }
        return 2.0 / (1.0 + Math.exp(5.0 * relativePosition)) - 1.0;
    }

    /** NAB's probation: the first 15 % of the rows, at most 750. */
    public static int probationRows(final int rows)
    {
        return (int)Math.min(Math.floor(0.15 * rows), 0.15 * 5000);
    }

    /**
     * Scores alerts raised at the rows {@code alertRows} (any order; duplicates allowed) of a file
     * whose rows have {@code times}, against {@code windows}.
     */
    public static FileScore score(
        final String name, final long[] times, final int[] alertRows, final List<Window> windows, final Profile profile)
    {
        final int rows = times.length;
        final int probation = probationRows(rows);
        final int[][] bounds = rowBounds(times, windows);
        final boolean[] alert = new boolean[rows];
        int alerts = 0;
        for (final int row : alertRows)
        {
            if (row >= 0 && row < rows && !alert[row])
            {
                alert[row] = true;
                alerts++;
            }
        }
        final double[] best = new double[bounds.length];
        final boolean[] scoredWindow = new boolean[bounds.length];
        Arrays.fill(best, -profile.fnWeight());
        double fp = 0;
        int falsePositives = 0;
        int next = 0;
        int current = -1;
        int prevRight = -1;
        int prevWidth = 0;
        for (int i = 0; i < rows; i++)
        {
            if (current < 0 && next < bounds.length && i == bounds[next][0])
            {
                current = next++;
            }
            if (current >= 0 && i >= probation)
            {
                scoredWindow[current] = true;
            }
            if (alert[i] && i >= probation)
            {
                if (current >= 0)
                {
                    final int right = bounds[current][1];
                    final double width = right - bounds[current][0] + 1;
                    final double s = scaledSigmoid(-(right - i + 1) / width) * profile.tpWeight() / MAX_TP;
                    best[current] = Math.max(best[current], s);
                }
                else
                {
                    final double position = prevRight < 0 ? 3.0 : Math.abs(prevRight - i) / (double)Math.max(1, prevWidth - 1);
                    fp += scaledSigmoid(position) * profile.fpWeight();
                    falsePositives++;
                }
            }
            if (current >= 0 && i == bounds[current][1])
            {
                prevRight = i;
                prevWidth = bounds[current][1] - bounds[current][0] + 1;
                current = -1;
            }
        }
        double raw = fp;
        int scored = 0;
        int detected = 0;
        for (int w = 0; w < bounds.length; w++)
        {
            if (scoredWindow[w])
            {
                scored++;
                raw += best[w];
                detected += best[w] > -profile.fnWeight() ? 1 : 0;
            }
        }
        return new FileScore(name, rows, probation, scored, detected, alerts, falsePositives, raw,
            -profile.fnWeight() * scored, profile.tpWeight() * scored);
    }

    /** Windows as [first row, last row], in time order, overlapping or empty ones dropped. */
    private static int[][] rowBounds(final long[] times, final List<Window> windows)
    {
        final List<int[]> bounds = new ArrayList<>();
        final List<Window> sorted = new ArrayList<>(windows);
        sorted.sort((a, b) -> Long.compare(a.startMillis(), b.startMillis()));
        int lastRight = -1;
        for (final Window window : sorted)
        {
            int left = -1;
            int right = -1;
            for (int i = 0; i < times.length; i++)
            {
                if (left < 0 && times[i] >= window.startMillis())
                {
                    left = i;
                }
                if (times[i] >= window.startMillis() && times[i] <= window.endMillis())
                {
                    right = i;
                }
            }
            if (left >= 0 && right >= left && left > lastRight)
            {
                bounds.add(new int[] {left, right});
                lastRight = right;
            }
        }
        return bounds.toArray(new int[0][]);
    }

    /** The files as one: every count and score summed (name "all"). */
    static FileScore total(final List<FileScore> files)
    {
        int rows = 0;
        int probation = 0;
        int windows = 0;
        int detected = 0;
        int alerts = 0;
        int falsePositives = 0;
        double raw = 0;
        double nul = 0;
        double perfect = 0;
        for (final FileScore file : files)
        {
            rows += file.rows();
            probation += file.probationRows();
            windows += file.windows();
            detected += file.detectedWindows();
            alerts += file.alerts();
            falsePositives += file.falsePositives();
            raw += file.raw();
            nul += file.nullScore();
            perfect += file.perfectScore();
        }
        return new FileScore("all", rows, probation, windows, detected, alerts, falsePositives, raw, nul, perfect);
    }

    /** 100·(Σraw − Σnull)/(Σperfect − Σnull) over the files; NaN without scored windows. */
    public static double normalised(final List<FileScore> files)
    {
        return total(files).normalised();
    }

    /** Window-level F1: a window is found by any alert in it; every alert outside windows is a false positive. */
    public static double f1(final List<FileScore> files)
    {
        final FileScore all = total(files);
        final long tp = all.detectedWindows();
        final long fp = all.falsePositives();
        final long fn = all.missedWindows();
        final double precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
        final double recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    /**
     * NAB's labelling: windows of {@code floor(10 % of rows / anomalies)} rows centred on each
     * anomaly row, clipped to the file, overlapping windows merged.
     */
    public static List<Window> windowsAround(final long[] times, final int[] anomalyRows)
    {
        final List<Window> windows = new ArrayList<>();
        if (anomalyRows.length == 0)
        {
            return windows;
        }
        final int size = (int)(0.10 * times.length / anomalyRows.length);
        final int[] sorted = anomalyRows.clone();
        Arrays.sort(sorted);
        int left = -1;
        int right = -1;
        for (final int row : sorted)
        {
            final int l = Math.max(0, row - size / 2);
            final int r = Math.min(times.length - 1, row + size / 2);
            if (left >= 0 && l <= right)
            {
                right = Math.max(right, r);
                continue;
            }
            if (left >= 0)
            {
                windows.add(new Window(times[left], times[right]));
            }
            left = l;
            right = r;
        }
        windows.add(new Window(times[left], times[right]));
        return windows;
    }

    /** Reads a NAB-style windows JSON: file path (as in the corpus) to a list of [start, end] timestamps. */
    public static Map<String, List<Window>> readWindows(final Path file) throws IOException, CsvSeries.CsvException
    {
        final JsonNode root = new ObjectMapper().readTree(file.toFile());
        final String source = file.getFileName().toString();
        if (root == null || !root.isObject())
        {
            throw new CsvSeries.CsvException(source + ": expected a JSON object of file name to windows");
        }
        final Map<String, List<Window>> windows = new LinkedHashMap<>();
        final Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext())
        {
            final Map.Entry<String, JsonNode> entry = fields.next();
            final List<Window> list = new ArrayList<>();
            for (final JsonNode pair : entry.getValue())
            {
                if (!pair.isArray() || pair.size() != 2)
                {
                    throw new CsvSeries.CsvException(source + ": " + entry.getKey() + ": expected [start, end] pairs");
                }
                final Long start = CsvSeries.parseTimestamp(pair.get(0).asText().strip());
                final Long end = CsvSeries.parseTimestamp(pair.get(1).asText().strip());
                if (start == null || end == null || end < start)
                {
                    throw new CsvSeries.CsvException(source + ": " + entry.getKey() + ": bad window " + pair);
                }
                list.add(new Window(start, end));
            }
            windows.put(entry.getKey(), list);
        }
        return windows;
    }
}
