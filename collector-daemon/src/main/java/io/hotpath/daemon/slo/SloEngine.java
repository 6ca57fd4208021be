package io.hotpath.daemon.slo;

import io.hotpath.wire.config.Durations;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.hotpath.daemon.aggregate.ClosedInterval;
import io.hotpath.daemon.aggregate.IntervalListener;

/**
 * Live SLO accounting in the daemon: every interval of a series an SLO selects adds its good and
 * total events; after each rotation every SLO's {@link SloStatus} (SLI per window, error budget,
 * burn rates, multi-window alerts) is computed and published. The counters survive a restart in the
 * daemon's checkpoint, next to the queue positions ({@link #captureState}, {@link #restoreState}).
 * The {@code hotpath_slo_*} families are written by {@code expose.SloMetricFamilies}, the
 * {@code /api/slos} document by {@link SloJson}, both from {@link #statuses}.
 *
 * <p><b>Threads.</b> {@link #onInterval}, {@link #rotationComplete}, {@link #captureState} and
 * {@link #restoreState} run on the aggregation thread only. {@link #statuses} and {@link #slosJson}
 * may run on any thread: they read the published statuses.
 */
public final class SloEngine implements IntervalListener
{
    private static final Logger LOG = Logger.getLogger(SloEngine.class.getName());
    private static final long STEP_MILLIS = 1000;
    private static final int MAX_CACHED_SERIES = 100_000;
    private static final SloAccountant[] NONE = new SloAccountant[0];

    private final List<SloAccountant> accountants = new ArrayList<>();
    private final Map<String, SloAccountant[]> seriesToSlos = new HashMap<>();
    private final boolean[] alertWasActive;

    private long rotationStart = Long.MIN_VALUE;
    private volatile List<SloStatus> published;
    private volatile long listenerFailures;

    public SloEngine(final SloFile file)
    {
        int alerts = 0;
        final List<SloStatus> initial = new ArrayList<>();
        for (final SloDefinition slo : file.slos())
        {
            final SloAccountant accountant = new SloAccountant(slo, null);
            accountants.add(accountant);
            initial.add(accountant.status(System.currentTimeMillis()));
            alerts += slo.alerts().size();
        }
        this.published = List.copyOf(initial);
        this.alertWasActive = new boolean[alerts];
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
            states.put(accountant.slo().name(), SloStateCodec.encode(accountant.state()));
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
            final SloStateCodec.State state;
            try
            {
                state = SloStateCodec.decode(bytes, SloAccountant.hourSlots(slo));
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
            final List<SloStatus> statuses = new ArrayList<>(published);
            statuses.set(i, restored.status(System.currentTimeMillis()));
            published = List.copyOf(statuses);
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
        final SloStatus[] statuses = new SloStatus[accountants.size()];
        for (int i = 0; i < accountants.size(); i++)
        {
            final SloStatus status = accountants.get(i).status(nowMillis);
            statuses[i] = status;
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
        published = List.of(statuses);
    }

    /** The latest published status of every SLO, in file order. */
    public List<SloStatus> statuses()
    {
        return published;
    }

    /** Intervals on which accounting failed with an exception (a bug; logged). */
    public long listenerFailures()
    {
        return listenerFailures;
    }

    /** The {@code /api/slos} document, UTF-8 JSON ({@link SloJson}). */
    public byte[] slosJson()
    {
        return SloJson.document(statuses());
    }
}
