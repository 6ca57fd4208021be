package io.hotpath.daemon.slo;

import io.hotpath.wire.config.Durations;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.hotpath.daemon.aggregate.ClosedInterval;
import io.hotpath.daemon.aggregate.IntervalListener;
import io.hotpath.daemon.rules.LabelSets;
import io.hotpath.daemon.rules.MetricFamilyWriter;
import io.hotpath.daemon.rules.MetricNames;
import java.time.Duration;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Live SLO accounting in the daemon: every interval of a series an SLO selects adds its good and
 * total events; after each rotation every SLO's {@link SloStatus} (SLI per window, error budget,
 * burn rates, multi-window alerts) is computed and published; the per-minute counters are saved to
 * the state directory every minute and on {@link #close()}, so a restart continues the same budget.
 *
 * <p><b>Threads.</b> {@link #onInterval} and {@link #rotationComplete} run on the aggregation thread
 * only. {@link #writeMetrics}, {@link #slosJson} and {@link #statuses} may run on any thread: they
 * read the published snapshots. State files are written by one background thread
 * ({@code hotpath-slo-state}) from byte snapshots taken on the aggregation thread. {@link #close()}
 * is called once the aggregator has stopped.
 */
public final class SloEngine implements IntervalListener, AutoCloseable
{
    private static final Logger LOG = Logger.getLogger(SloEngine.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long STEP_MILLIS = 1000;
    private static final int MAX_CACHED_SERIES = 100_000;
    private static final SloAccountant[] NONE = new SloAccountant[0];

    private final List<SloAccountant> accountants = new ArrayList<>();
    private final List<Exposed> exposed = new ArrayList<>();
    private final Map<String, SloAccountant[]> seriesToSlos = new HashMap<>();
    private final Path stateDir;
    private final ExecutorService writer;
    private final boolean[] alertWasActive;

    private long rotationStart = Long.MIN_VALUE;
    private long lastSavedMinute = Long.MIN_VALUE;
    private volatile long stateWriteFailures;
    private volatile long listenerFailures;

    /**
     * @param stateDir directory for the state files (created if missing), or null to keep nothing
     *                 across restarts (tests, {@code --no-state})
     */
    public SloEngine(final SloFile file, final Path stateDir) throws IOException
    {
        this.stateDir = stateDir;
        if (stateDir != null)
        {
            Files.createDirectories(stateDir);
        }
        int alerts = 0;
        for (final SloDefinition slo : file.slos())
        {
            final SloStateFile.State restored = stateDir == null ? null
                : SloStateFile.load(SloStateFile.path(stateDir, slo.name()), slo.sli().fingerprint(),
                    SloAccountant.hourSlots(slo));
            final SloAccountant accountant = new SloAccountant(slo, restored);
            accountants.add(accountant);
            final Exposed labels = new Exposed(slo);
            labels.status = accountant.status(System.currentTimeMillis());
            exposed.add(labels);
            alerts += slo.alerts().size();
            if (restored != null)
            {
                LOG.log(Level.INFO, "SLO " + slo.name() + ": continuing from saved state, "
                    + restored.counters().goodEvents() + " good and " + restored.counters().badEvents() + " bad events");
            }
        }
        this.alertWasActive = new boolean[alerts];
        this.writer = stateDir == null ? null : Executors.newSingleThreadExecutor(runnable ->
        {
            final Thread thread = new Thread(runnable, "hotpath-slo-state");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * An engine that writes no state files of its own: the daemon keeps its counters in the
     * checkpoint instead ({@link #captureState}, {@link #restoreState}).
     */
    public static SloEngine withoutStateFiles(final SloFile file)
    {
        try
        {
            return new SloEngine(file, null);
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("cannot happen without a state directory", e);
        }
    }

    @Override
    public void onInterval(final ClosedInterval interval)
    {
        try
        {
            account(interval);
        }
        catch (final RuntimeException e)
        {
            // A bug here must not stop the aggregation thread: count it, log the first few.
            if (listenerFailures++ < 10)
            {
                LOG.log(Level.SEVERE, "SLO accounting failed on " + interval.seriesKey(), e);
            }
        }
    }

    private void account(final ClosedInterval interval)
    {
        final long start = interval.intervalStartEpochMillis();
        if (start > rotationStart)
        {
            if (rotationStart != Long.MIN_VALUE)
            {
                publish(rotationStart + STEP_MILLIS);
            }
            rotationStart = start;
            final long minute = Math.floorDiv(start, 60_000L);
            for (final SloAccountant accountant : accountants)
            {
                accountant.tick(minute);
            }
            if (minute > lastSavedMinute)
            {
                if (lastSavedMinute != Long.MIN_VALUE)
                {
                    saveInBackground();
                }
                lastSavedMinute = minute;
            }
        }
        SloAccountant[] matched = seriesToSlos.get(interval.seriesKey());
        if (matched == null)
        {
            matched = match(interval);
        }
        for (final SloAccountant accountant : matched)
        {
            accountant.ingest(interval);
        }
    }

    /**
     * Samples of closed seconds (read late) count into their own minute, like the interval they
     * missed; only per-call SLOs can take them (a time-sliced SLO has judged its earlier minutes).
     */
    @Override
    public void onLateInterval(final ClosedInterval samples)
    {
        try
        {
            SloAccountant[] matched = seriesToSlos.get(samples.seriesKey());
            if (matched == null)
            {
                matched = match(samples);
            }
            for (final SloAccountant accountant : matched)
            {
                accountant.ingest(samples);
            }
        }
        catch (final RuntimeException e)
        {
            if (listenerFailures++ < 10)
            {
                LOG.log(Level.SEVERE, "SLO accounting failed on late samples of " + samples.seriesKey(), e);
            }
        }
    }

    /** Publishes the statuses as soon as a rotation has reported every series. */
    @Override
    public void afterRotation()
    {
        rotationComplete();
    }

    /**
     * Every SLO's counters in the {@link SloStateDescriptor} layout, by SLO name: what the daemon
     * puts into its checkpoint next to the queue positions, so that after any crash the SLO counters
     * hold exactly the samples before those positions. Aggregation thread, between two rotations.
     */
    public Map<String, byte[]> captureState()
    {
        final Map<String, byte[]> states = new TreeMap<>();
        for (final SloAccountant accountant : accountants)
        {
            states.put(accountant.slo().name(), SloStateFile.encode(accountant.state()));
        }
        return states;
    }

    /**
     * Replaces the counters with {@code states} (from {@link #captureState}, e.g. a checkpoint)
     * before the first interval. An SLO without a state, or whose state counted another SLI (metric,
     * labels, threshold or percentile changed) or is unreadable, starts afresh (logged); states of
     * SLOs no longer in the file are ignored.
     */
    public void restoreState(final Map<String, byte[]> states)
    {
        for (int i = 0; i < accountants.size(); i++)
        {
            final SloDefinition slo = accountants.get(i).slo();
            final byte[] bytes = states.get(slo.name());
            if (bytes == null)
            {
                LOG.log(Level.INFO, "SLO " + slo.name() + ": no saved counters, its error budget starts now");
                continue;
            }
            final SloStateFile.State state;
            try
            {
                state = SloStateFile.decode(bytes, SloAccountant.hourSlots(slo));
            }
            catch (final IllegalArgumentException e)
            {
                LOG.log(Level.WARNING, "SLO " + slo.name() + ": saved counters unusable (" + e.getMessage() + "), starting afresh");
                continue;
            }
            if (state.fingerprint() != slo.sli().fingerprint())
            {
                LOG.log(Level.WARNING, "SLO " + slo.name() + ": saved counters counted a different SLI (its metric, labels, "
                    + "threshold or percentile changed); starting a new error budget");
                continue;
            }
            final SloAccountant restored = new SloAccountant(slo, state);
            accountants.set(i, restored);
            exposed.get(i).status = restored.status(System.currentTimeMillis());
            LOG.log(Level.INFO, "SLO " + slo.name() + ": continuing from the checkpoint, "
                + state.counters().goodEvents() + " good and " + state.counters().badEvents() + " bad events");
        }
        seriesToSlos.clear();
    }

    /**
     * Optional: publishes the statuses right after the aggregator's rotation instead of at the
     * start of the next one (one second fresher). Aggregation thread only.
     */
    public void rotationComplete()
    {
        if (rotationStart != Long.MIN_VALUE)
        {
            publish(rotationStart + STEP_MILLIS);
        }
    }

    private SloAccountant[] match(final ClosedInterval interval)
    {
        if (seriesToSlos.size() >= MAX_CACHED_SERIES)
        {
            seriesToSlos.clear();
            accountants.forEach(accountant -> accountant.seriesMatched = 0);
        }
        final List<SloAccountant> matched = new ArrayList<>();
        for (final SloAccountant accountant : accountants)
        {
            if (accountant.slo().sli().matches(interval.labels()))
            {
                matched.add(accountant);
                accountant.seriesMatched++;
            }
        }
        final SloAccountant[] array = matched.isEmpty() ? NONE : matched.toArray(new SloAccountant[0]);
        seriesToSlos.put(interval.seriesKey(), array);
        return array;
    }

    private void publish(final long nowMillis)
    {
        int alertIndex = 0;
        for (int i = 0; i < accountants.size(); i++)
        {
            final SloStatus status = accountants.get(i).status(nowMillis);
            exposed.get(i).status = status;
            for (final SloStatus.AlertStatus alert : status.alerts())
            {
                if (alert.active() != alertWasActive[alertIndex])
                {
                    alertWasActive[alertIndex] = alert.active();
                    LOG.log(alert.active() ? Level.WARNING : Level.INFO, String.format(Locale.ROOT,
                        "slo alert %s slo=%s alert=%s long_window=%s short_window=%s factor=%s burn_rate_long=%.3g "
                            + "burn_rate_short=%.3g budget_remaining=%.4f",
                        alert.active() ? "start" : "end", status.slo().name(), alert.alert().severity(),
                        Durations.format(alert.alert().longWindow()), Durations.format(alert.alert().shortWindow()),
                        alert.alert().factor(), alert.longBurnRate(), alert.shortBurnRate(), status.budgetRemaining()));
                }
                alertIndex++;
            }
        }
    }

    private void saveInBackground()
    {
        if (writer == null)
        {
            return;
        }
        for (final SloAccountant accountant : accountants)
        {
            final byte[] bytes = SloStateFile.encode(accountant.state());
            final Path file = SloStateFile.path(stateDir, accountant.slo().name());
            writer.execute(() -> write(file, bytes));
        }
    }

    private void write(final Path file, final byte[] bytes)
    {
        try
        {
            SloStateFile.writeAtomically(file, bytes);
        }
        catch (final IOException | RuntimeException e)
        {
            if (stateWriteFailures++ < 10)
            {
                LOG.log(Level.SEVERE, "cannot save SLO state " + file + ": " + e);
            }
        }
    }

    /**
     * Saves every SLO's state now and waits for it (e.g. from the daemon's own checkpoint, so the
     * counters and the tailer positions are saved together). Aggregation thread, or after it stopped.
     */
    public void checkpoint()
    {
        if (writer == null)
        {
            return;
        }
        saveInBackground();
        try
        {
            writer.submit(() -> { }).get(30, TimeUnit.SECONDS);
        }
        catch (final Exception e)
        {
            LOG.log(Level.SEVERE, "SLO state checkpoint did not finish: " + e);
        }
    }

    /** Publishes the last statuses, saves the state and stops the writer thread. */
    @Override
    public void close()
    {
        rotationComplete();
        checkpoint();
        if (writer != null)
        {
            writer.shutdown();
            try
            {
                writer.awaitTermination(30, TimeUnit.SECONDS);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The latest published status of every SLO, in file order. */
    public List<SloStatus> statuses()
    {
        final List<SloStatus> statuses = new ArrayList<>(exposed.size());
        for (final Exposed labels : exposed)
        {
            statuses.add(labels.status);
        }
        return statuses;
    }

    /** Intervals on which accounting failed with an exception (a bug; logged). */
    public long listenerFailures()
    {
        return listenerFailures;
    }

    /** State files that could not be written (logged). */
    public long stateWriteFailures()
    {
        return stateWriteFailures;
    }

    /** Writes the {@code hotpath_slo_*} families of METRICS.md from the published statuses. */
    public void writeMetrics(final MetricFamilyWriter writer)
    {
        writer.family(MetricNames.SLO_TARGET_RATIO, MetricFamilyWriter.Type.GAUGE, "SLO target: the promised fraction of good events.");
        for (final Exposed slo : exposed)
        {
            writer.sample(MetricNames.SLO_TARGET_RATIO, slo.base, slo.status.slo().target());
        }
        writer.family(MetricNames.SLO_SLI_RATIO, MetricFamilyWriter.Type.GAUGE,
            "Fraction of good events over the window (NaN without events).");
        for (final Exposed slo : exposed)
        {
            final List<SloStatus.WindowStatus> windows = slo.status.windows();
            for (int i = 0; i < windows.size(); i++)
            {
                writer.sample(MetricNames.SLO_SLI_RATIO, slo.windowLabels.get(i), windows.get(i).sliRatio());
            }
        }
        writer.family(MetricNames.SLO_BURN_RATE, MetricFamilyWriter.Type.GAUGE,
            "Error ratio over the window divided by the error budget (1 - target); 1 spends the budget exactly.");
        for (final Exposed slo : exposed)
        {
            final List<SloStatus.WindowStatus> windows = slo.status.windows();
            for (int i = 0; i < windows.size(); i++)
            {
                writer.sample(MetricNames.SLO_BURN_RATE, slo.windowLabels.get(i), windows.get(i).burnRate());
            }
        }
        writer.family(MetricNames.SLO_ERROR_BUDGET_REMAINING_RATIO, MetricFamilyWriter.Type.GAUGE,
            "Error budget left over the SLO window (negative when overspent).");
        for (final Exposed slo : exposed)
        {
            writer.sample(MetricNames.SLO_ERROR_BUDGET_REMAINING_RATIO, slo.base, slo.status.budgetRemaining());
        }
        writer.family(MetricNames.SLO_ERROR_BUDGET_CONSUMED_RATIO, MetricFamilyWriter.Type.GAUGE,
            "Error budget spent over the SLO window.");
        for (final Exposed slo : exposed)
        {
            writer.sample(MetricNames.SLO_ERROR_BUDGET_CONSUMED_RATIO, slo.base, slo.status.budgetConsumed());
        }
        writer.family(MetricNames.SLO_EVENTS_TOTAL, MetricFamilyWriter.Type.COUNTER,
            "SLO events by outcome (calls, or minutes for time-sliced SLOs); persisted across restarts.");
        for (final Exposed slo : exposed)
        {
            writer.sample(MetricNames.SLO_EVENTS_TOTAL, slo.goodLabels, slo.status.goodEvents());
            writer.sample(MetricNames.SLO_EVENTS_TOTAL, slo.badLabels, slo.status.badEvents());
        }
        writer.family(MetricNames.SLO_ALERT_ACTIVE, MetricFamilyWriter.Type.GAUGE,
            "1 while both windows of a burn-rate alert burn faster than its factor.");
        for (final Exposed slo : exposed)
        {
            final List<SloStatus.AlertStatus> alerts = slo.status.alerts();
            for (int i = 0; i < alerts.size(); i++)
            {
                writer.sample(MetricNames.SLO_ALERT_ACTIVE, slo.alertLabels.get(i), alerts.get(i).active() ? 1 : 0);
            }
        }
    }

    /** The {@code /api/slos} document, UTF-8 JSON. */
    public byte[] slosJson()
    {
        final ObjectNode root = JSON.createObjectNode();
        root.put("enabled", true);
        root.put("generated_at", Instant.now().toString());
        final ArrayNode slos = root.putArray("slos");
        for (final SloStatus status : statuses())
        {
            toJson(status, slos.addObject());
        }
        try
        {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        }
        catch (final JsonProcessingException e)
        {
            throw new IllegalStateException("cannot happen for a tree of plain values", e);
        }
    }

    static void toJson(final SloStatus status, final ObjectNode node)
    {
        final SloDefinition slo = status.slo();
        node.put("name", slo.name());
        node.put("description", slo.description());
        node.put("tier", slo.tier());
        final ObjectNode labels = node.putObject("labels");
        slo.labels().forEach(labels::put);
        node.put("target", slo.target());
        node.put("window", Durations.format(slo.window()));
        final ObjectNode sli = node.putObject("sli");
        final SliSpec spec = slo.sli();
        sli.put("type", spec.type().label());
        sli.put("metric", spec.metric());
        final ObjectNode selector = sli.putObject("labels");
        spec.labels().forEach(selector::put);
        if (spec.type() == SliSpec.Type.LATENCY)
        {
            sli.put("threshold_seconds", spec.thresholdSeconds());
        }
        if (spec.timeSliced())
        {
            sli.put("percentile", spec.percentile());
            sli.put("events", "minutes");
        }
        else
        {
            sli.put("events", "calls");
        }
        node.put("computed_at", Instant.ofEpochMilli(status.computedAtMillis()).toString());
        if (status.dataSinceMillis() == Long.MIN_VALUE)
        {
            node.putNull("data_since");
        }
        else
        {
            node.put("data_since", Instant.ofEpochMilli(status.dataSinceMillis()).toString());
        }
        node.put("series_matched", status.seriesMatched());
        final ObjectNode budget = node.putObject("error_budget");
        putNumber(budget, "remaining_ratio", status.budgetRemaining());
        putNumber(budget, "consumed_ratio", status.budgetConsumed());
        final ObjectNode events = node.putObject("events");
        events.put("good", status.goodEvents());
        events.put("bad", status.badEvents());
        final ArrayNode windows = node.putArray("windows");
        for (final SloStatus.WindowStatus window : status.windows())
        {
            final ObjectNode w = windows.addObject();
            w.put("window", Durations.format(window.window()));
            w.put("good", window.good());
            w.put("total", window.total());
            putNumber(w, "sli_ratio", window.sliRatio());
            putNumber(w, "error_ratio", window.errorRatio());
            putNumber(w, "burn_rate", window.burnRate());
        }
        final ArrayNode alerts = node.putArray("alerts");
        for (final SloStatus.AlertStatus alert : status.alerts())
        {
            final ObjectNode a = alerts.addObject();
            a.put("alert", alert.alert().severity());
            a.put("long_window", Durations.format(alert.alert().longWindow()));
            a.put("short_window", Durations.format(alert.alert().shortWindow()));
            a.put("factor", alert.alert().factor());
            putNumber(a, "long_burn_rate", alert.longBurnRate());
            putNumber(a, "short_burn_rate", alert.shortBurnRate());
            a.put("active", alert.active());
        }
    }

    private static void putNumber(final ObjectNode node, final String field, final double value)
    {
        if (Double.isFinite(value))
        {
            node.put(field, value);
        }
        else
        {
            node.putNull(field);
        }
    }

    /** An SLO's label sets, built once, and its latest status. */
    private static final class Exposed
    {
        final Map<String, String> base;
        final List<Map<String, String>> windowLabels = new ArrayList<>();
        final Map<String, String> goodLabels;
        final Map<String, String> badLabels;
        final List<Map<String, String>> alertLabels = new ArrayList<>();
        volatile SloStatus status;

        Exposed(final SloDefinition slo)
        {
            base = slo.exposedLabels();
            for (final Duration window : slo.windows())
            {
                windowLabels.add(LabelSets.extend(base, "window", Durations.format(window)));
            }
            goodLabels = LabelSets.extend(base, "outcome", "good");
            badLabels = LabelSets.extend(base, "outcome", "bad");
            for (final BurnRateAlert alert : slo.alerts())
            {
                alertLabels.add(LabelSets.extend(base, "alert", alert.severity(),
                    "long_window", Durations.format(alert.longWindow()),
                    "short_window", Durations.format(alert.shortWindow())));
            }
        }
    }
}
