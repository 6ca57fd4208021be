package io.hotpath.daemon.detect;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code hotpathd backtest --corpus DIR --windows FILE}: replays every file a NAB-style windows JSON
 * names (paths relative to {@code DIR}), with the same settings for all, and scores the alerts with
 * {@link WindowScorer}: per file, then the corpus' normalised standard-profile score and window F1.
 */
public final class CorpusScore
{
    private CorpusScore()
    {
    }

    /** One file's replay and score. */
    public record FileResult(String file, long stepMillis, int repeated, int outOfOrder, List<Backtest.Replayed> events,
        WindowScorer.FileScore score)
    {
    }

    /** Replays and scores one series; {@code intervalMillis} 0 infers the row spacing. */
    public static FileResult scoreSeries(
        final String name, final CsvSeries series, final List<WindowScorer.Window> windows, final Signal signal,
        final SignalSettings settings, final long intervalMillis)
    {
        final long step = intervalMillis > 0 ? intervalMillis : series.stepMillis();
        final List<Backtest.Replayed> events = new ArrayList<>();
        for (final DetectorKind kind : settings.detectors())
        {
            events.addAll(Backtest.replay(series, signal, settings, kind, step));
        }
        final int[] alertRows = events.stream().mapToInt(Backtest.Replayed::alertRow).toArray();
        final long[] times = new long[series.size()];
        for (int i = 0; i < times.length; i++)
        {
            times[i] = series.time(i);
        }
        return new FileResult(name, step, series.repeatedTimestamps(), series.outOfOrderTimestamps(), events,
            WindowScorer.score(name, times, alertRows, windows, WindowScorer.STANDARD));
    }

    /** Replays every file of {@code windows} found under {@code dir}. */
    public static List<FileResult> run(
        final Path dir, final Map<String, List<WindowScorer.Window>> windows, final Signal signal,
        final SignalSettings settings, final long intervalMillis) throws IOException, CsvSeries.CsvException
    {
        final List<FileResult> results = new ArrayList<>();
        for (final Map.Entry<String, List<WindowScorer.Window>> entry : windows.entrySet())
        {
            final Path file = dir.resolve(entry.getKey());
            if (!Files.isRegularFile(file))
            {
                throw new CsvSeries.CsvException(file + ": named in the windows file but not found");
            }
            results.add(scoreSeries(entry.getKey(), CsvSeries.read(file), entry.getValue(), signal, settings, intervalMillis));
        }
        return results;
    }

    static void printText(final PrintWriter out, final List<FileResult> results)
    {
        out.printf(Locale.ROOT, "%-46s %7s %6s %7s %6s %6s %8s %8s%n",
            "FILE", "ROWS", "STEP", "WINDOWS", "FOUND", "FP", "RAW", "SCORE");
        for (final FileResult result : results)
        {
            final WindowScorer.FileScore s = result.score();
            out.printf(Locale.ROOT, "%-46s %7d %5ds %7d %6d %6d %8.3f %8.1f%n", result.file(), s.rows(),
                result.stepMillis() / 1000, s.windows(), s.detectedWindows(), s.falsePositives(), s.raw(), s.normalised());
        }
        final List<WindowScorer.FileScore> scores = results.stream().map(FileResult::score).toList();
        out.printf(Locale.ROOT, "%nstandard profile (tp 1, fp 0.11, fn 1): %.1f  (100 perfect, 0 no alerts)   window F1: %.3f%n",
            WindowScorer.normalised(scores), WindowScorer.f1(scores));
        out.printf(Locale.ROOT, "windows %d, found %d, alerts %d, false positives %d%n",
            scores.stream().mapToInt(WindowScorer.FileScore::windows).sum(),
            scores.stream().mapToInt(WindowScorer.FileScore::detectedWindows).sum(),
            scores.stream().mapToInt(WindowScorer.FileScore::alerts).sum(),
            scores.stream().mapToInt(WindowScorer.FileScore::falsePositives).sum());
    }

    static void printJson(final PrintWriter out, final List<FileResult> results) throws IOException
    {
        final ObjectMapper mapper = new ObjectMapper();
        final ObjectNode root = mapper.createObjectNode();
        final List<WindowScorer.FileScore> scores = results.stream().map(FileResult::score).toList();
        root.put("profile", "standard");
        root.put("score", WindowScorer.normalised(scores));
        root.put("f1", WindowScorer.f1(scores));
        final ArrayNode files = root.putArray("files");
        for (final FileResult result : results)
        {
            final ObjectNode node = files.addObject();
            final WindowScorer.FileScore s = result.score();
            node.put("file", result.file());
            node.put("rows", s.rows());
            node.put("step_ms", result.stepMillis());
            node.put("repeated_timestamps", result.repeated());
            node.put("out_of_order_timestamps", result.outOfOrder());
            node.put("probation_rows", s.probationRows());
            node.put("windows", s.windows());
            node.put("detected_windows", s.detectedWindows());
            node.put("alerts", s.alerts());
            node.put("false_positives", s.falsePositives());
            node.put("raw_score", s.raw());
            final ArrayNode events = node.putArray("events");
            for (final Backtest.Replayed replayed : result.events())
            {
                final ObjectNode event = replayed.event().toJson(events.addObject());
                event.put("start_row", replayed.startRow());
                event.put("alert_row", replayed.alertRow());
            }
        }
        out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }
}
