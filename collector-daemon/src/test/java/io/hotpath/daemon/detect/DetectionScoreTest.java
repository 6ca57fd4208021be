package io.hotpath.daemon.detect;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import java.util.TreeMap;

/**
 * The labelled evaluation: {@link LabelledCorpus} written as NAB-style files, replayed with the
 * default settings exactly as {@code hotpathd backtest --corpus DIR --windows combined_windows.json}
 * does, scored with NAB's standard profile. Fails when the score drops below the floor.
 */
class DetectionScoreTest
{
    /** Measured when the floors were set: kinds 78.4, realistic 64.4 (all 67.3); the margin leaves room for deliberate trade-offs. */
    static final double KINDS_FLOOR = 70;
    static final double REALISTIC_FLOOR = 58;

    @Test
    void defaultSettingsScoreAboveTheFloorOnTheGeneratedCorpus() throws Exception
    {
        final Path dir = Path.of("target", "labelled-corpus");
        final Map<String, List<CorpusScore.FileResult>> sets = evaluate(dir, new PrintWriter(System.out, true));
        final double kinds = score(sets.get("kinds"));
        final double realistic = score(sets.get("realistic"));
        assertTrue(kinds >= KINDS_FLOOR, "kinds/ scores " + kinds + ", floor " + KINDS_FLOOR);
        assertTrue(realistic >= REALISTIC_FLOOR, "realistic/ scores " + realistic + ", floor " + REALISTIC_FLOOR);
    }

    static double score(final List<CorpusScore.FileResult> results)
    {
        return WindowScorer.normalised(results.stream().map(CorpusScore.FileResult::score).toList());
    }

    static Map<String, List<CorpusScore.FileResult>> evaluate(final Path dir, final PrintWriter out) throws Exception
    {
        LabelledCorpus.write(dir, LabelledCorpus.all());
        final Map<String, List<WindowScorer.Window>> windows = WindowScorer.readWindows(dir.resolve("combined_windows.json"));
        SignalSettings settings = SignalSettings.generic();
        final String only = System.getProperty("detect.kinds");
        if (only != null)
        {
            final List<DetectorKind> kinds = new ArrayList<>();
            for (final String kind : only.split(","))
            {
                kinds.add(DetectorKind.fromLabel(kind));
            }
            settings = new SignalSettings(kinds, settings.direction(), 0, 0, 0, settings.detectorSettings());
        }
        final List<CorpusScore.FileResult> all = CorpusScore.run(dir, windows, Signal.THROUGHPUT, settings, 0);
        final List<CorpusScore.FileResult> kinds = new ArrayList<>();
        final List<CorpusScore.FileResult> realistic = new ArrayList<>();
        for (final CorpusScore.FileResult result : all)
        {
            (result.file().startsWith("kinds/") ? kinds : realistic).add(result);
        }
        CorpusScore.printText(out, all);
        if (Boolean.getBoolean("diag"))
        {
            final Map<String, int[]> byTest = new TreeMap<>();
            for (final CorpusScore.FileResult result : all)
            {
                for (final Backtest.Replayed replayed : result.events())
                {
                    final long t = replayed.event().alertMillis();
                    final boolean inWindow = windows.get(result.file()).stream()
                        .anyMatch(w -> t >= w.startMillis() && t <= w.endMillis());
                    final boolean probation = replayed.alertRow() < result.score().probationRows();
                    final int[] counts = byTest.computeIfAbsent(replayed.event().agreed(), k -> new int[3]);
                    counts[probation ? 2 : inWindow ? 0 : 1]++;
                }
            }
            byTest.forEach((k, v) -> out.printf("%-24s in-window %4d  outside %4d  probation %4d%n", k, v[0], v[1], v[2]));
        }
        out.printf("kinds: %.1f  realistic: %.1f%n", score(kinds), score(realistic));
        return Map.of("kinds", kinds, "realistic", realistic, "all", all);
    }

    public static void main(final String[] args) throws Exception
    {
        evaluate(Path.of(args.length > 0 ? args[0] : "target/labelled-corpus"), new PrintWriter(System.out, true));
    }
}
