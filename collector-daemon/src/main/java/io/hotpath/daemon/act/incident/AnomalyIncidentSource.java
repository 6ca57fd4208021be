package io.hotpath.daemon.act.incident;

import io.hotpath.daemon.detect.AnomalyEvent;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import io.hotpath.daemon.detect.AnomalyEngine;

/**
 * Adapts the anomaly engine's events ({@link AnomalyEvent} start and end) to {@link SourceEvent}s.
 * Events of one series (its signals and detectors) group into one incident: a latency spike seen
 * by two detectors is one problem. Runs on the aggregation thread: only maps and hands over.
 */
public final class AnomalyIncidentSource implements Consumer<AnomalyEvent>
{
    public static final String ALERT_NAME = "HotpathAnomaly";

    private final Consumer<SourceEvent> sink;

    public AnomalyIncidentSource(final Consumer<SourceEvent> sink)
    {
        this.sink = sink;
    }

    @Override
    public void accept(final AnomalyEvent event)
    {
        sink.accept(toSourceEvent(event));
    }

    /**
     * The open events now, as source events: polled by the act thread (any thread may read the
     * engine), so that a severity that grew while the event was open (the engine reports only
     * starts and ends) reaches the incident, and incidents left open by a restart are continued.
     */
    public static Supplier<List<SourceEvent>> openEventsOf(final AnomalyEngine engine)
    {
        return () ->
        {
            final List<SourceEvent> open = new ArrayList<>();
            for (final AnomalyEvent event : engine.activeEvents())
            {
                open.add(toSourceEvent(event));
            }
            return open;
        };
    }

    public static SourceEvent toSourceEvent(final AnomalyEvent event)
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", ALERT_NAME);
        labels.putAll(event.labels());
        labels.put("severity", event.severity().label());
        final String what = event.labels().getOrDefault("service", "?") + " " + event.labels().getOrDefault("metric", event.seriesKey());
        final String summary = "anomaly on " + what + ": " + event.signal().label() + " (" + event.detector().label() + ")";
        final String description = String.format(Locale.ROOT,
            "%s of series %s is %.4g against a baseline of %.4g (score %.1f by %s), since %s",
            event.signal().label(), event.seriesKey(), event.peakValue(), event.baselineAtPeak(), event.peakScore(),
            event.detector().label(), Instant.ofEpochMilli(event.startMillis()));
        return new SourceEvent(SourceEvent.ANOMALY, "anomaly:" + event.id(), "anomaly:" + event.seriesKey(), labels,
            event.severity().label(), event.startMillis(), event.isOpen(), summary, description);
    }
}
