package io.hotpath.daemon.expose;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.rules.MetricNames;
import io.hotpath.daemon.slo.BurnRateAlert;
import io.hotpath.wire.config.Durations;
import io.hotpath.daemon.slo.SloDefinition;
import io.hotpath.daemon.slo.SloEngine;
import io.hotpath.daemon.slo.SloStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The {@code hotpath_slo_*} families of METRICS.md from the {@link SloEngine}'s published statuses.
 * A handful of samples per SLO: each SLO's label sets (its own labels, then {@code window},
 * {@code outcome} or the alert's labels) are rendered once, the first time it is written.
 */
public final class SloMetricFamilies implements MetricFamilySource
{
    private final SloEngine engine;
    /** Per SLO, in the engine's order (fixed for the engine's life). */
    private final List<SloLabels> labels = new ArrayList<>();

    public SloMetricFamilies(final SloEngine engine)
    {
        this.engine = engine;
    }

    @Override
    public void writeTo(final MetricWriter writer, final AggregateSnapshot snapshot)
    {
        final List<SloStatus> statuses = engine.statuses();
        final int n = statuses.size();
        while (labels.size() < n)
        {
            labels.add(new SloLabels(statuses.get(labels.size()).slo()));
        }
        writer.family(MetricNames.SLO_TARGET_RATIO, MetricType.GAUGE, "SLO target: the promised fraction of good events.");
        for (int s = 0; s < n; s++)
        {
            gauge(writer, labels.get(s).base, statuses.get(s).slo().target());
        }
        perWindow(writer, statuses, MetricNames.SLO_SLI_RATIO, "Fraction of good events over the window (NaN without events).",
            SloStatus.WindowStatus::sliRatio);
        perWindow(writer, statuses, MetricNames.SLO_BURN_RATE,
            "Error ratio over the window divided by the error budget (1 - target); 1 spends the budget exactly.",
            SloStatus.WindowStatus::burnRate);
        writer.family(MetricNames.SLO_ERROR_BUDGET_REMAINING_RATIO, MetricType.GAUGE,
            "Error budget left over the SLO window (negative when overspent).");
        for (int s = 0; s < n; s++)
        {
            gauge(writer, labels.get(s).base, statuses.get(s).budgetRemaining());
        }
        writer.family(MetricNames.SLO_ERROR_BUDGET_CONSUMED_RATIO, MetricType.GAUGE, "Error budget spent over the SLO window.");
        for (int s = 0; s < n; s++)
        {
            gauge(writer, labels.get(s).base, statuses.get(s).budgetConsumed());
        }
        // Counter: the family name without _total (OpenMetrics), the samples with it.
        writer.family(AnomalyMetricFamilies.counterFamily(MetricNames.SLO_EVENTS_TOTAL), MetricType.COUNTER,
            "SLO events by outcome (calls, or minutes for time-sliced SLOs); persisted across restarts.");
        for (int s = 0; s < n; s++)
        {
            writer.sample("_total", labels.get(s).good, null, null, null, null, statuses.get(s).goodEvents());
            writer.sample("_total", labels.get(s).bad, null, null, null, null, statuses.get(s).badEvents());
        }
        writer.family(MetricNames.SLO_ALERT_ACTIVE, MetricType.GAUGE, "1 while both windows of a burn-rate alert burn faster than its factor.");
        for (int s = 0; s < n; s++)
        {
            final List<SloStatus.AlertStatus> alerts = statuses.get(s).alerts();
            for (int i = 0; i < alerts.size(); i++)
            {
                writer.sample("", labels.get(s).alerts.get(i), null, null, null, null, alerts.get(i).active() ? 1L : 0L);
            }
        }
    }

    /** A gauge family with one sample per SLO and window. */
    private void perWindow(final MetricWriter writer, final List<SloStatus> statuses, final String name, final String help,
        final ToDoubleFunction<SloStatus.WindowStatus> value)
    {
        writer.family(name, MetricType.GAUGE, help);
        for (int s = 0; s < statuses.size(); s++)
        {
            final List<SloStatus.WindowStatus> windows = statuses.get(s).windows();
            for (int i = 0; i < windows.size(); i++)
            {
                gauge(writer, labels.get(s).windows.get(i), value.applyAsDouble(windows.get(i)));
            }
        }
    }

    /** Whole numbers (a target of 1, a budget of 0) as integers, like counters; the rest as doubles. */
    private static void gauge(final MetricWriter writer, final Labels labels, final double value)
    {
        if (value == Math.rint(value) && Math.abs(value) < 0x1p53)
        {
            writer.sample("", labels, null, null, null, null, (long)value);
        }
        else
        {
            writer.sample("", labels, null, null, null, null, value);
        }
    }

    /** One SLO's label sets, rendered once. */
    private static final class SloLabels
    {
        final Labels base;
        final List<Labels> windows = new ArrayList<>();
        final Labels good;
        final Labels bad;
        final List<Labels> alerts = new ArrayList<>();

        SloLabels(final SloDefinition slo)
        {
            final Map<String, String> own = slo.exposedLabels();
            base = Labels.of(own);
            for (final Duration window : slo.windows())
            {
                windows.add(Labels.extend(own, "window", Durations.format(window)));
            }
            good = Labels.extend(own, "outcome", "good");
            bad = Labels.extend(own, "outcome", "bad");
            for (final BurnRateAlert alert : slo.alerts())
            {
                alerts.add(Labels.extend(own, "alert", alert.severity(),
                    "long_window", Durations.format(alert.longWindow()), "short_window", Durations.format(alert.shortWindow())));
            }
        }
    }
}
