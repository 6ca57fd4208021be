package io.hotpath.daemon.detect;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.hotpath.daemon.config.syntax.ConfigException;
import io.hotpath.wire.config.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hotpathd backtest}: replays a {@code timestamp,value[,label]} CSV through the daemon's own
 * detector and suppression code and prints the events it would have raised; with labels, also
 * precision, recall and F1. Operators tune thresholds with it before changing the daemon's settings.
 *
 * <p>Settings start from the daemon's: those of {@code --signal} in the built-in defaults, or in
 * {@code --settings FILE} for {@code --metric}; every other option overrides one field.
 *
 * <p>Over 400 lines because of its 25 options (picocli wants a field each); the replay is
 * {@link Backtest}, the corpus score {@link CorpusScore}, the scoring {@link WindowScorer}.
 */
@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    description = {
        "Replay a timestamp,value[,label] CSV through the anomaly detectors and print the events they raise.",
        "With a label column or --labels, also prints precision, recall and F1."},
    footer = {
        "",
        "Timestamps: epoch seconds, epoch milliseconds, ISO-8601 (zone optional, UTC without) or YYYY-MM-DD HH:MM:SS;",
        "each row is one interval (the daemon's is 1s); repeated or out-of-order timestamps are kept and counted.",
        "Durations in settings count intervals: min_duration 2s = 2 rows, whatever the row spacing.",
        "Score a labelled corpus: --corpus DIR --windows combined_windows.json (NAB standard profile and F1).",
        "Exit status: 0 done, 1 bad input file, 2 bad options."})
public final class BacktestCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--csv", paramLabel = "FILE", description = "timestamp,value[,label] CSV to replay")
    private Path csv;

    @Option(names = "--corpus", paramLabel = "DIR",
        description = "replay every file --windows names (paths relative to DIR) and score the corpus")
    private Path corpus;

    @Option(names = "--windows", paramLabel = "FILE",
        description = "anomaly windows as in NAB's combined_windows.json; scores alerts with NAB's standard profile and F1")
    private Path windowsFile;

    @Option(names = "--interval", paramLabel = "DURATION",
        description = "the series' interval (default: the median spacing of the rows); durations in settings count intervals")
    private String interval;

    @Option(names = "--detector", paramLabel = "NAME", defaultValue = "default",
        description = "default (the signal's detectors, as the daemon runs them), adaptive, zscore, mad, levelshift or all "
            + "(each one alone) (default: ${DEFAULT-VALUE})")
    private String detector;

    @Option(names = "--labels", paramLabel = "FILE",
        description = "known anomalies, one per line: start,end (or one timestamp); overrides a label column")
    private Path labelsFile;

    @Option(names = "--signal", paramLabel = "SIGNAL", defaultValue = "value",
        description = "start from the daemon's settings for latency_p99, error_ratio or throughput, or value: any series, "
            + "both directions, floors learnt from the series only (default: ${DEFAULT-VALUE})")
    private String signal;

    @Option(names = "--settings", paramLabel = "FILE", description = "the daemon's anomaly settings YAML to start from")
    private Path settingsFile;

    @Option(names = "--metric", paramLabel = "NAME", description = "with --settings: use the overrides of this metric")
    private String metric;

    @Option(names = "--window", paramLabel = "N", description = "mad: rolling window; levelshift: reference window (rows)")
    private Integer window;

    @Option(names = "--test-window", paramLabel = "N", description = "levelshift: rows whose median is tested")
    private Integer testWindow;

    @Option(names = "--warmup", paramLabel = "N", description = "rows learnt before the first verdict")
    private Integer warmup;

    @Option(names = "--alpha", paramLabel = "A", description = "zscore: weight of each row in the moving mean and variance")
    private Double alpha;

    @Option(names = "--relearn-after", paramLabel = "N", description = "mad: outliers kept out of the window before relearning")
    private Integer relearnAfter;

    @Option(names = "--enter", paramLabel = "SCORE", description = "score at which an event may open")
    private Double enter;

    @Option(names = "--exit", paramLabel = "SCORE", description = "score below which an open event is quiet")
    private Double exit;

    @Option(names = "--critical", paramLabel = "SCORE", description = "peak score of a critical event")
    private Double critical;

    @Option(names = "--min-duration", paramLabel = "DURATION", description = "time above --enter before an event opens, e.g. 2s")
    private String minDuration;

    @Option(names = "--hold", paramLabel = "DURATION", description = "time below --exit before an event closes, e.g. 10s")
    private String hold;

    @Option(names = "--cooldown", paramLabel = "DURATION", description = "no new event for this long after one closes, e.g. 60s")
    private String cooldown;

    @Option(names = "--direction", paramLabel = "DIR", description = "up, down or both")
    private String direction;

    @Option(names = "--min-deviation", paramLabel = "X", description = "floor of the spread, in the value's unit")
    private Double minDeviation;

    @Option(names = "--relative-min-deviation", paramLabel = "F", description = "floor of the spread as a fraction of the baseline")
    private Double relativeMinDeviation;

    @Option(names = "--detection-window", paramLabel = "DURATION", defaultValue = "30s",
        description = "an event up to this long after a labelled anomaly still detects it (default: ${DEFAULT-VALUE})")
    private String detectionWindow;

    @Option(names = "--json", description = "print a JSON document instead of text")
    private boolean json;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Signal baseSignal;
        final List<DetectorKind> kinds;
        final long detectionWindowMillis;
        final long intervalMillis;
        final SignalSettings settings;
        try
        {
            baseSignal = signal.equals(GENERIC) ? Signal.THROUGHPUT : Signal.fromLabel(signal);
            detectionWindowMillis = Durations.parse(detectionWindow).toMillis();
            intervalMillis = interval == null ? 0 : Durations.parse(interval).toMillis();
            settings = settings(baseSignal);
            kinds = detector.equals("all") ? List.of(DetectorKind.values())
                : detector.equals("default") ? settings.detectors() : List.of(DetectorKind.fromLabel(detector));
            if ((csv == null) == (corpus == null))
            {
                throw new IllegalArgumentException("give --csv FILE or --corpus DIR (with --windows FILE)");
            }
            if (corpus != null && windowsFile == null)
            {
                throw new IllegalArgumentException("--corpus needs --windows FILE");
            }
        }
        catch (final IllegalArgumentException e)
        {
            err.println("backtest: " + e.getMessage());
            return 2;
        }
        catch (final ConfigException e)
        {
            err.println("backtest: " + e.getMessage());
            return 1;
        }

        if (windowsFile != null)
        {
            return scoreWindows(out, err, baseSignal, withDetectors(settings, kinds), intervalMillis);
        }
        final CsvSeries series;
        final List<CsvSeries.LabelWindow> labels;
        try
        {
            series = CsvSeries.read(csv);
            labels = labelsFile != null ? CsvSeries.readLabels(labelsFile, series.stepMillis()) : series.labelWindows();
        }
        catch (final CsvSeries.CsvException e)
        {
            err.println("backtest: " + e.getMessage());
            return 1;
        }
        catch (final IOException e)
        {
            err.println("backtest: cannot read: " + e);
            return 1;
        }
        final boolean scored = labelsFile != null || series.labelled();
        final long step = intervalMillis > 0 ? intervalMillis : series.stepMillis();
        final List<Backtest.Result> results =
            Backtest.run(series, baseSignal, settings, kinds, step, labels, detectionWindowMillis);
        if (json)
        {
            printJson(out, series, labels, scored, settings, results, detectionWindowMillis);
        }
        else
        {
            printText(out, series, labels, scored, settings, results, detectionWindowMillis);
        }
        out.flush();
        return 0;
    }

    /** {@code --signal value}: a series of unknown meaning. */
    private static final String GENERIC = "value";

    private static SignalSettings withDetectors(final SignalSettings s, final List<DetectorKind> kinds)
    {
        return new SignalSettings(kinds, s.direction(), s.minCount(), s.minDeviation(), s.relativeMinDeviation(),
            s.detectorSettings());
    }

    private int scoreWindows(final PrintWriter out, final PrintWriter err, final Signal baseSignal,
        final SignalSettings settings, final long intervalMillis)
    {
        try
        {
            final Map<String, List<WindowScorer.Window>> windows = WindowScorer.readWindows(windowsFile);
            final List<CorpusScore.FileResult> results;
            if (corpus != null)
            {
                results = CorpusScore.run(corpus, windows, baseSignal, settings, intervalMillis);
            }
            else
            {
                final String name = csv.getFileName().toString();
                final List<WindowScorer.Window> own = windows.entrySet().stream()
                    .filter(e -> e.getKey().equals(csv.toString()) || Path.of(e.getKey()).getFileName().toString().equals(name))
                    .map(Map.Entry::getValue).findFirst().orElse(List.of());
                results = List.of(CorpusScore.scoreSeries(name, CsvSeries.read(csv), own, baseSignal, settings,
                    intervalMillis));
            }
            if (json)
            {
                CorpusScore.printJson(out, results);
            }
            else
            {
                CorpusScore.printText(out, results);
            }
            out.flush();
            return 0;
        }
        catch (final CsvSeries.CsvException e)
        {
            err.println("backtest: " + e.getMessage());
            return 1;
        }
        catch (final IOException e)
        {
            err.println("backtest: cannot read: " + e);
            return 1;
        }
    }

    private SignalSettings settings(final Signal baseSignal) throws ConfigException
    {
        final boolean generic = signal.equals(GENERIC);
        final AnomalySettings anomalySettings =
            settingsFile != null ? AnomalySettings.load(settingsFile) : AnomalySettings.defaults();
        final SignalSettings base = generic && settingsFile == null
            ? SignalSettings.generic() : anomalySettings.forMetric(metric).get(baseSignal);
        final Map<DetectorKind, DetectorSettings> detectors = new EnumMap<>(DetectorKind.class);
        for (final DetectorKind kind : DetectorKind.values())
        {
            DetectorSettings s = base.settings(kind);
            s = s.withThresholds(
                enter != null ? enter : s.enter(),
                exit != null ? exit : s.exit(),
                critical != null ? critical : s.critical());
            s = s.withSuppression(
                minDuration != null ? Durations.parse(minDuration) : s.minDuration(),
                hold != null ? Durations.parse(hold) : s.hold(),
                cooldown != null ? Durations.parse(cooldown) : s.cooldown());
            s = s.withModel(
                warmup != null ? warmup : s.warmup(),
                alpha != null ? alpha : s.alpha(),
                window != null ? window : s.window(),
                testWindow != null ? testWindow : s.testWindow(),
                relearnAfter != null ? relearnAfter : s.relearnAfter());
            detectors.put(kind, s);
        }
        return new SignalSettings(
            base.detectors(),
            direction != null ? Direction.fromLabel(direction) : generic ? Direction.BOTH : base.direction(),
            base.minCount(),
            minDeviation != null ? minDeviation : generic ? 0 : base.minDeviation(),
            relativeMinDeviation != null ? relativeMinDeviation : generic ? 0 : base.relativeMinDeviation(),
            detectors);
    }

    private static void printText(
        final PrintWriter out,
        final CsvSeries series,
        final List<CsvSeries.LabelWindow> labels,
        final boolean scored,
        final SignalSettings settings,
        final List<Backtest.Result> results,
        final long detectionWindowMillis)
    {
        out.printf(Locale.ROOT, "backtest %s: %d rows, step %s, %s .. %s, direction %s%s%n",
            series.name(), series.size(), Durations.format(Duration.ofMillis(series.stepMillis())),
            Instant.ofEpochMilli(series.time(0)), Instant.ofEpochMilli(series.time(series.size() - 1)),
            settings.direction().label(),
            scored ? ", " + labels.size() + " labelled anomalies, detection window "
                + Durations.format(Duration.ofMillis(detectionWindowMillis)) : "");
        for (final Backtest.Result result : results)
        {
            final DetectorSettings s = settings.settings(result.detector());
            out.printf(Locale.ROOT, "%ndetector %s (enter %s, exit %s, critical %s, min duration %s, hold %s, cooldown %s, "
                    + "warmup %d)%n",
                result.detector().label(), s.enter(), s.exit(), s.critical(), Durations.format(s.minDuration()),
                Durations.format(s.hold()), Durations.format(s.cooldown()), s.warmup());
            final List<AnomalyEvent> events = result.events();
            for (int i = 0; i < events.size(); i++)
            {
                final AnomalyEvent event = events.get(i);
                out.printf(Locale.ROOT, "  %-4s %s .. %s %6.0fs  %-8s peak %7.2f at %s  value %.6g baseline %.6g%s%n",
                    "#" + (i + 1), Instant.ofEpochMilli(event.startMillis()), Instant.ofEpochMilli(event.endMillis()),
                    (event.endMillis() - event.startMillis()) / 1000.0, event.severity().label(), event.peakScore(),
                    Instant.ofEpochMilli(event.peakAtMillis()), event.peakValue(), event.baselineAtPeak(),
                    scored ? (result.evaluation().eventMatched().get(i) ? "  [true positive]" : "  [false positive]") : "");
            }
            if (events.isEmpty())
            {
                out.println("  no events");
            }
            if (scored)
            {
                printScores(out, "  ", result.evaluation());
            }
            else
            {
                out.printf(Locale.ROOT, "  events %d%n", events.size());
            }
        }
        if (results.size() > 1 && scored)
        {
            final List<long[]> incidents = Backtest.mergeIncidents(results);
            out.printf(Locale.ROOT, "%nall detectors, overlapping events merged: %d incidents%n", incidents.size());
            printScores(out, "  ", Backtest.evaluateSpans(incidents, labels, detectionWindowMillis));
        }
    }

    private static void printScores(final PrintWriter out, final String indent, final Backtest.Evaluation evaluation)
    {
        out.printf(Locale.ROOT,
            "%sevents %d: %d true positive, %d duplicate, %d false positive; anomalies %d: %d detected%n"
                + "%sprecision %.3f  recall %.3f  F1 %.3f  delay mean %.1fs max %.1fs%n",
            indent, evaluation.events(), evaluation.truePositives(), evaluation.duplicates(),
            evaluation.falsePositives(), evaluation.anomalies(), evaluation.detected(),
            indent, evaluation.precision(), evaluation.recall(), evaluation.f1(),
            evaluation.meanDelayMillis() / 1000.0, evaluation.maxDelayMillis() / 1000.0);
    }

    private static void printJson(
        final PrintWriter out,
        final CsvSeries series,
        final List<CsvSeries.LabelWindow> labels,
        final boolean scored,
        final SignalSettings settings,
        final List<Backtest.Result> results,
        final long detectionWindowMillis)
    {
        final ObjectMapper mapper = new ObjectMapper();
        final ObjectNode root = mapper.createObjectNode();
        root.put("csv", series.name());
        root.put("rows", series.size());
        root.put("step_ms", series.stepMillis());
        root.put("repeated_timestamps", series.repeatedTimestamps());
        root.put("out_of_order_timestamps", series.outOfOrderTimestamps());
        root.put("direction", settings.direction().label());
        root.put("labelled_anomalies", scored ? labels.size() : 0);
        final ArrayNode detectors = root.putArray("detectors");
        for (final Backtest.Result result : results)
        {
            final ObjectNode node = detectors.addObject();
            node.put("detector", result.detector().label());
            final ArrayNode events = node.putArray("events");
            for (final AnomalyEvent event : result.events())
            {
                event.toJson(events.addObject());
            }
            final ArrayNode alertRows = node.putArray("alert_rows");
            for (final int row : result.alertRows())
            {
                alertRows.add(row);
            }
            if (scored)
            {
                scoresJson(node.putObject("scores"), result.evaluation());
            }
        }
        if (results.size() > 1 && scored)
        {
            final List<long[]> incidents = Backtest.mergeIncidents(results);
            final ObjectNode merged = root.putObject("all_merged");
            merged.put("incidents", incidents.size());
            scoresJson(merged.putObject("scores"), Backtest.evaluateSpans(incidents, labels, detectionWindowMillis));
        }
        try
        {
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        }
        catch (final IOException e)
        {
            throw new IllegalStateException(e);
        }
    }

    private static void scoresJson(final ObjectNode node, final Backtest.Evaluation evaluation)
    {
        node.put("events", evaluation.events());
        node.put("true_positives", evaluation.truePositives());
        node.put("duplicates", evaluation.duplicates());
        node.put("false_positives", evaluation.falsePositives());
        node.put("anomalies", evaluation.anomalies());
        node.put("detected", evaluation.detected());
        node.put("precision", evaluation.precision());
        node.put("recall", evaluation.recall());
        node.put("f1", evaluation.f1());
        node.put("mean_delay_seconds", evaluation.meanDelayMillis() / 1000.0);
        node.put("max_delay_seconds", evaluation.maxDelayMillis() / 1000.0);
    }
}
