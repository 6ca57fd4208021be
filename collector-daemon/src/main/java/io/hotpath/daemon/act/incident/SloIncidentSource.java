package io.hotpath.daemon.act.incident;

import io.hotpath.daemon.aggregate.ClosedInterval;
import io.hotpath.daemon.aggregate.IntervalListener;
import io.hotpath.daemon.slo.SloEngine;
import io.hotpath.daemon.slo.SloStatus;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Adapts SLO burn-rate alerts to {@link SourceEvent}s: per SLO and severity ({@code page},
 * {@code ticket}), open while any of its alerts of that severity is active. Registered after the
 * {@link SloEngine}, so it reads the statuses that rotation just published.
 */
public final class SloIncidentSource implements IntervalListener
{
    public static final String ALERT_NAME = "HotpathSLOErrorBudgetBurn";

    private final SloEngine slos;
    private final Consumer<SourceEvent> sink;
    /** Open burns by member id, with when they opened. Aggregation thread only. */
    private final Map<String, Long> open = new HashMap<>();

    public SloIncidentSource(final SloEngine slos, final Consumer<SourceEvent> sink)
    {
        this.slos = slos;
        this.sink = sink;
    }

    @Override
    public void onInterval(final ClosedInterval interval)
    {
    }

    @Override
    public void afterRotation()
    {
        for (final SloStatus status : slos.statuses())
        {
            if (status == null)
            {
                continue;
            }
            for (final String severity : new String[] { "page", "ticket" })
            {
                SloStatus.AlertStatus worst = null;
                boolean active = false;
                for (final SloStatus.AlertStatus alert : status.alerts())
                {
                    if (alert.alert().severity().equals(severity))
                    {
                        active |= alert.active();
                        if (worst == null || alert.active() && !worst.active())
                        {
                            worst = alert;
                        }
                    }
                }
                final String member = "slo:" + status.slo().name() + ":" + severity;
                final Long since = open.get(member);
                if (active && since == null)
                {
                    open.put(member, status.computedAtMillis());
                    sink.accept(event(status, severity, worst, status.computedAtMillis(), true));
                }
                else if (!active && since != null)
                {
                    open.remove(member);
                    sink.accept(event(status, severity, worst, since, false));
                }
            }
        }
    }

    private static SourceEvent event(final SloStatus status, final String severity, final SloStatus.AlertStatus alert,
        final long start, final boolean isOpen)
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", ALERT_NAME + (severity.equals("page") ? "Page" : "Ticket"));
        labels.putAll(status.slo().exposedLabels());
        labels.put("slo", status.slo().name());
        labels.put("severity", severity);
        final String summary = "SLO " + status.slo().name() + " burns its error budget (" + severity + ")";
        final String description = alert == null ? status.slo().description() : String.format(Locale.ROOT,
            "burn rate %.2fx over %s and %.2fx over %s (threshold %.2fx); %.1f%% of the budget remains. %s",
            alert.longBurnRate(), alert.alert().longWindow(), alert.shortBurnRate(), alert.alert().shortWindow(),
            alert.alert().factor(), status.budgetRemaining() * 100, status.slo().description());
        return new SourceEvent(SourceEvent.SLO, "slo:" + status.slo().name() + ":" + severity,
            "slo:" + status.slo().name() + ":" + severity, labels, severity, start, isOpen, summary, description);
    }
}
