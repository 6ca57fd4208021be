package io.hotpath.daemon.slo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One service level objective as written in the SLO file.
 *
 * @param name        unique, also the {@code slo} label and the state file's name
 * @param description for humans (dashboards, alert annotations)
 * @param sli         what counts as good
 * @param target      fraction of good events the objective promises, in (0, 1)
 * @param window      the compliance period of the error budget, e.g. 30d
 * @param tier        criticality, exposed as the {@code tier} label (empty: none)
 * @param labels      further labels for every SLO metric and alert
 * @param runbook     URL for the alerts' {@code runbook_url} annotation (empty: none)
 * @param alerts      the burn-rate alerts
 */
public record SloDefinition(
    String name,
    String description,
    SliSpec sli,
    double target,
    Duration window,
    String tier,
    Map<String, String> labels,
    String runbook,
    List<BurnRateAlert> alerts)
{
    public SloDefinition
    {
        labels = Collections.unmodifiableMap(new TreeMap<>(labels));
        alerts = List.copyOf(alerts);
        if (!(target > 0 && target < 1))
        {
            throw new IllegalArgumentException("target must be in (0, 1), got " + target);
        }
    }

    /** The allowed fraction of bad events: 1 − target. */
    public double errorBudget()
    {
        return 1 - target;
    }

    /**
     * The windows computed for this SLO, shortest first: every alert window and the compliance window.
     */
    public List<Duration> windows()
    {
        final List<Duration> windows = new ArrayList<>();
        for (final BurnRateAlert alert : alerts)
        {
            addOnce(windows, alert.shortWindow());
            addOnce(windows, alert.longWindow());
        }
        addOnce(windows, window);
        windows.sort(Comparator.naturalOrder());
        return windows;
    }

    /** The labels every SLO sample carries: {@code slo}, {@code tier} when set, then {@link #labels()}. */
    public Map<String, String> exposedLabels()
    {
        final Map<String, String> exposed = new LinkedHashMap<>();
        exposed.put("slo", name);
        if (!tier.isEmpty())
        {
            exposed.put("tier", tier);
        }
        exposed.putAll(labels);
        return exposed;
    }

    private static void addOnce(final List<Duration> windows, final Duration window)
    {
        if (!windows.contains(window))
        {
            windows.add(window);
        }
    }
}
