package io.hotpath.daemon.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The backtest on the checked-in synthetic series, through the real command line: what an operator
 * would run.
 */
class BacktestTest
{
    private static final Path DATA = Path.of("src/test/resources/anomaly");

    private record Run(int exitCode, String out, String err)
    {
    }

    private static Run backtest(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = new CommandLine(new BacktestCommand());
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        final int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private static JsonNode json(final String... args) throws Exception
    {
        final String[] withJson = new String[args.length + 1];
        System.arraycopy(args, 0, withJson, 0, args.length);
        withJson[args.length] = "--json";
        final Run run = backtest(withJson);
        assertEquals(0, run.exitCode(), run.err());
        return new ObjectMapper().readTree(run.out());
    }

    private static JsonNode detector(final JsonNode root, final String name)
    {
        for (final JsonNode node : root.get("detectors"))
        {
            if (node.get("detector").asText().equals(name))
            {
                return node;
            }
        }
        throw new AssertionError("no detector " + name);
    }

    @Test
    void levelShiftIsDetectedWithinTenSecondsByEveryDetector() throws Exception
    {
        final JsonNode root = json("--csv", DATA.resolve("level_shift.csv").toString(),
            "--labels", DATA.resolve("level_shift.labels.csv").toString(), "--signal", "latency_p99", "--detector", "all");
        final long shiftAt = (SyntheticSeries.START_EPOCH_SECONDS + SyntheticSeries.LEVEL_SHIFT_ROW) * 1000;
        for (final String name : List.of("adaptive", "zscore", "mad", "levelshift"))
        {
            final JsonNode result = detector(root, name);
            assertEquals(1, result.get("events").size(), name + ": one event for one shift");
            final long start = result.get("events").get(0).get("start_epoch_ms").asLong();
            assertTrue(start >= shiftAt && start <= shiftAt + 10_000, name + " started at " + start);
            assertEquals(1.0, result.get("scores").get("recall").asDouble(), name);
            assertEquals(1.0, result.get("scores").get("precision").asDouble(), name);
        }
    }

    @Test
    void noisyButNormalRaisesNothingWatchedEitherWay() throws Exception
    {
        for (final String signal : List.of("throughput", "latency_p99"))
        {
            final JsonNode root = json("--csv", DATA.resolve("noisy_normal.csv").toString(), "--signal", signal);
            for (final JsonNode result : root.get("detectors"))
            {
                assertEquals(0, result.get("events").size(), signal + "/" + result.get("detector") + ": " + result);
            }
        }
    }

    @Test
    void aFlappingSeriesIsOneEventPerDetector() throws Exception
    {
        final JsonNode root = json("--csv", DATA.resolve("flapping.csv").toString(), "--signal", "error_ratio",
            "--detector", "all");
        for (final JsonNode result : root.get("detectors"))
        {
            assertEquals(1, result.get("events").size(), result.get("detector") + ": " + result.get("events"));
            assertEquals(1, result.get("scores").get("true_positives").asInt());
        }
        assertEquals(1, root.get("all_merged").get("incidents").asInt());
    }

    @Test
    void withoutHoldTheSameFlappingBecomesManyEvents() throws Exception
    {
        // The suppression is what makes it one: with no hold and no cool-down, every flap is an event.
        final JsonNode root = json("--csv", DATA.resolve("flapping.csv").toString(), "--signal", "error_ratio",
            "--detector", "mad", "--hold", "0s", "--cooldown", "0s");
        final JsonNode mad = detector(root, "mad");
        assertTrue(mad.get("events").size() >= 10, mad.get("events").size() + " events");
        assertTrue(mad.get("scores").get("precision").asDouble() < 0.2, "duplicates cost precision");
    }

    @Test
    void spikesAreFoundByThePointDetectorsWithFewFalseAlarms() throws Exception
    {
        final JsonNode root = json("--csv", DATA.resolve("spikes.csv").toString(), "--signal", "latency_p99",
            "--detector", "all");
        // The adaptive detector's cool-down (120 intervals) makes spikes 2-3 minutes apart partly one change;
        // it still finds the large ones, and raises nothing else.
        final JsonNode adaptive = detector(root, "adaptive").get("scores");
        assertTrue(adaptive.get("recall").asDouble() >= 0.5, adaptive.toString());
        assertEquals(0, adaptive.get("false_positives").asInt(), adaptive.toString());
        for (final String name : List.of("zscore", "mad"))
        {
            final JsonNode scores = detector(root, name).get("scores");
            assertEquals(8, scores.get("anomalies").asInt());
            assertTrue(scores.get("recall").asDouble() >= 0.7, name + " " + scores);
            assertTrue(scores.get("precision").asDouble() >= 0.8, name + " " + scores);
        }
        // Spikes are not level shifts: the median-of-10 test window ignores all but the longest.
        assertTrue(detector(root, "levelshift").get("events").size() <= 1);
    }

    @Test
    void textOutputListsEventsAndScores()
    {
        final Run run = backtest("--csv", DATA.resolve("level_shift.csv").toString(), "--detector", "levelshift",
            "--labels", DATA.resolve("level_shift.labels.csv").toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("detector levelshift (enter 3.0, exit 1.5"), run.out());
        assertTrue(run.out().contains("[true positive]"), run.out());
        assertTrue(run.out().contains("precision 1.000  recall 1.000  F1 1.000"), run.out());
    }

    @Test
    void thresholdsFromTheCommandLineChangeTheVerdict() throws Exception
    {
        final JsonNode strict = json("--csv", DATA.resolve("spikes.csv").toString(), "--detector", "mad",
            "--enter", "20", "--exit", "10", "--critical", "40");
        final JsonNode scores = detector(strict, "mad").get("scores");
        assertTrue(scores.get("detected").asInt() < 8 && scores.get("detected").asInt() > 0, scores.toString());
    }

    @Test
    void badCsvIsAClearErrorWithLineAndColumn(@TempDir final Path dir) throws Exception
    {
        final Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "timestamp,value\n1767225600,0.1\n1767225601,0.1s\n");
        final Run run = backtest("--csv", csv.toString());
        assertEquals(1, run.exitCode());
        assertEquals("backtest: bad.csv:3: column 2 (value): expected a number (or empty for no data), got \"0.1s\"",
            run.err().strip());
    }

    @Test
    void badOptionsAreUsageErrors()
    {
        assertEquals(2, backtest("--csv", "x.csv", "--detector", "cusum").exitCode());
        assertEquals(2, backtest("--csv", DATA.resolve("spikes.csv").toString(), "--enter", "1", "--exit", "2").exitCode());
        assertEquals(2, backtest().exitCode(), "--csv is required");
    }
}
