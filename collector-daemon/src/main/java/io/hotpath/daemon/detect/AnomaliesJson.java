package io.hotpath.daemon.detect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The {@code /api/anomalies} document of an {@link AnomalyEngine}; any thread. */
final class AnomaliesJson
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private AnomaliesJson()
    {
    }

    /**
     * The {@code anomalies} section of {@code /health}: events and incidents opened, and the stalls
     * attributed instead of raised (per service, and the runs they held), so that an operator sees
     * on the health page why a slow second raised nothing.
     */
    static Map<String, Object> health(final AnomalyEngine engine)
    {
        final Map<String, Object> health = new LinkedHashMap<>();
        health.put("seriesWatched", engine.seriesWatched());
        health.put("eventsOpened", engine.eventsOpened());
        health.put("eventsActive", engine.activeEvents().size());
        health.put("incidentsOpened", engine.incidents().opened());
        final long[] held = new long[2];
        engine.forEachMonitor((monitor, labels) ->
        {
            held[0] += monitor.heldRuns();
            held[1] += monitor.heldValuesNotInBaseline();
        });
        final Map<String, Object> stalls = new LinkedHashMap<>();
        stalls.put("counted", engine.stallsCounted());
        stalls.put("runsHeld", held[0]);
        stalls.put("heldValuesNotInBaseline", held[1]); // values of stall-held runs kept out of the level and spread
        final List<Map<String, Object>> services = new ArrayList<>();
        for (final StallWatch watch : engine.stallWatches())
        {
            final StallWatch.Count count = watch.count();
            if (count.lastEndMillis() != Long.MIN_VALUE)
            {
                final Map<String, Object> service = new LinkedHashMap<>();
                service.put("service", count.service());
                service.put("stalls", count.stalls());
                service.put("lastStart", Instant.ofEpochMilli(count.lastStartMillis()).toString());
                service.put("lastEnd", Instant.ofEpochMilli(count.lastEndMillis()).toString());
                services.add(service);
            }
        }
        stalls.put("services", services);
        final HostStalls host = engine.hostStalls();
        stalls.put("hostStalls", host.count());
        stalls.put("hostWorstLateMillis", host.worstLateMillis());
        stalls.put("catchUpLateCloses", host.catchUpLateCloses()); // late by the daemon's own catch-up: not counted
        health.put("stalls", stalls);
        return health;
    }

    /**
     * {@code active} events, the {@code recent} closed ones (newest first, at most {@code limit}),
     * incidents, counts, the learnt state's restore/save counts and, with {@code scores}, every
     * monitor's current score. UTF-8 JSON.
     */
    static byte[] render(final AnomalyEngine engine, final int limit, final boolean scores)
    {
        final ObjectNode root = JSON.createObjectNode();
        root.put("enabled", true);
        root.put("generated_at", Instant.now().toString());
        root.put("series_watched", engine.seriesWatched());
        root.put("series_ignored", engine.seriesIgnored());
        root.put("events_opened", engine.eventsOpened());
        root.put("incidents_opened", engine.incidents().opened());
        // Host or JVM stalls, attributed instead of raised per series (StallWatch).
        final ObjectNode stallsNode = root.putObject("stalls");
        final long[] held = new long[2];
        engine.forEachMonitor((monitor, labels) ->
        {
            held[0] += monitor.heldRuns();
            held[1] += monitor.heldValuesNotInBaseline();
        });
        stallsNode.put("runs_held", held[0]); // by the series watched now
        stallsNode.put("held_values_not_in_baseline", held[1]); // their values, kept out of the level and spread
        final ArrayNode services = stallsNode.putArray("services");
        for (final StallWatch watch : engine.stallWatches())
        {
            final StallWatch.Count count = watch.count();
            if (count.lastEndMillis() != Long.MIN_VALUE)
            {
                final ObjectNode service = services.addObject();
                service.put("service", count.service());
                service.put("stalls", count.stalls());
                service.put("last_start", Instant.ofEpochMilli(count.lastStartMillis()).toString());
                service.put("last_end", Instant.ofEpochMilli(count.lastEndMillis()).toString());
            }
        }
        // The daemon's own evidence: intervals it closed late (HostStalls).
        stallsNode.put("host_stalls", engine.hostStalls().count());
        stallsNode.put("host_worst_late_millis", engine.hostStalls().worstLateMillis());
        stallsNode.put("catch_up_late_closes", engine.hostStalls().catchUpLateCloses());
        final ArrayNode incidentsNode = root.putArray("incidents");
        for (final IncidentGrouper.Incident incident : engine.incidents().active())
        {
            incident.toJson(incidentsNode.addObject());
        }
        for (final IncidentGrouper.Incident incident : engine.incidents().recent(limit))
        {
            incident.toJson(incidentsNode.addObject());
        }
        final ArrayNode active = root.putArray("active");
        for (final AnomalyEvent event : engine.activeEvents())
        {
            event.toJson(active.addObject());
        }
        final ArrayNode recentNode = root.putArray("recent");
        for (final AnomalyEvent event : engine.recentEvents(limit))
        {
            event.toJson(recentNode.addObject());
        }
        final DetectorStateFile.Stats state = engine.stateStats();
        if (state != null)
        {
            final ObjectNode stateNode = root.putObject("learnt_state");
            stateNode.put("file", state.file());
            stateNode.put("series_restored", state.seriesRestored());
            stateNode.put("restore_failures", state.restoreFailures());
            stateNode.put("writes", state.writes());
            stateNode.put("write_failures", state.writeFailures());
        }
        if (scores)
        {
            final ArrayNode scoresNode = root.putArray("scores");
            for (final AnomalyEngine.Score score : engine.currentScores())
            {
                final ObjectNode node = scoresNode.addObject();
                node.put("series", score.seriesKey());
                node.put("signal", score.signal().label());
                node.put("detector", score.detector().label());
                if (Double.isFinite(score.score()))
                {
                    node.put("score", score.score());
                }
                else
                {
                    node.putNull("score");
                }
                node.put("active", score.active());
            }
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
}
