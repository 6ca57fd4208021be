package io.hotpath.daemon.act.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotpath.daemon.act.incident.Incident;
import io.hotpath.daemon.act.incident.IncidentBook;
import io.hotpath.daemon.act.incident.LabelTemplate;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Incidents as Alertmanager alerts. An open incident is posted at once and again every
 * {@code resend-interval} with {@code endsAt = now + resend-interval × resolve-after-missed-resends}
 * (so Alertmanager resolves it by itself if hotpathd dies); a resolved one is posted with
 * {@code endsAt = now}. A failed remediation adds a second alert, {@code HotpathRemediationFailed}
 * with the incident's labels, so that escalation routes like any alert. The timeline records the
 * first delivery of each state per Alertmanager ({@code alert_sent}) and every give-up
 * ({@code alert_failed}); resends are only counted. Act thread only.
 */
public final class AlertPublisher
{
    public static final String ESCALATION_ALERT = "HotpathRemediationFailed";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AlertingConfig config;
    private final AlertmanagerClient client;
    private final IncidentBook book;
    private final Map<Long, Sent> sent = new HashMap<>();

    /** What was last posted for one incident. */
    private static final class Sent
    {
        Map<String, String> labels;
        long lastPostMillis;
        String escalation;
        final Map<String, Boolean> firingRecorded = new HashMap<>();
    }

    public AlertPublisher(final AlertingConfig config, final AlertmanagerClient client, final IncidentBook book)
    {
        this.config = config;
        this.client = client;
        this.book = book;
    }

    public boolean enabled()
    {
        return !config.alertmanagers().isEmpty();
    }

    /** Posts an incident now (opened, grouped with a worse severity, escalated). */
    public void fire(final Incident incident, final long now)
    {
        if (!enabled() || !incident.isOpen())
        {
            return;
        }
        final Sent state = sent.computeIfAbsent(incident.id(), id -> new Sent());
        final ArrayNode batch = JsonNodeFactory.instance.arrayNode();
        final Map<String, String> labels = labels(incident);
        if (state.labels != null && !state.labels.equals(labels))
        {
            batch.add(alert(incident, state.labels, now, now, null)); // the old label set (a lower severity) ends
        }
        state.labels = labels;
        state.lastPostMillis = now;
        final long endsAt = now + config.resendIntervalMillis() * config.resolveAfterMissedResends();
        batch.add(alert(incident, labels, now, endsAt, null));
        if (state.escalation != null)
        {
            batch.add(alert(incident, escalationLabels(labels), now, endsAt, state.escalation));
        }
        post(incident.id(), batch, "firing", state);
    }

    /** Resends every open incident whose last post is a resend interval old. */
    public void resendDue(final List<Incident> open, final long now)
    {
        for (final Incident incident : open)
        {
            final Sent state = sent.get(incident.id());
            if (state == null || now - state.lastPostMillis >= config.resendIntervalMillis())
            {
                fire(incident, now);
            }
        }
    }

    /** The remediation failed: the escalation alert joins the incident's. */
    public void escalate(final Incident incident, final String reason, final long now)
    {
        if (!enabled())
        {
            return;
        }
        sent.computeIfAbsent(incident.id(), id -> new Sent()).escalation = reason;
        fire(incident, now);
    }

    public void resolve(final Incident incident, final long now)
    {
        final Sent state = sent.remove(incident.id());
        if (!enabled() || state == null || state.labels == null)
        {
            return;
        }
        final ArrayNode batch = JsonNodeFactory.instance.arrayNode();
        batch.add(alert(incident, state.labels, now, now, null));
        if (state.escalation != null)
        {
            batch.add(alert(incident, escalationLabels(state.labels), now, now, state.escalation));
        }
        post(incident.id(), batch, "resolved", state);
    }

    private void post(final long incidentId, final ArrayNode batch, final String what, final Sent state)
    {
        final List<String> alertNames = new ArrayList<>();
        for (final var alert : batch)
        {
            alertNames.add(alert.path("labels").path("alertname").asText());
        }
        final byte[] body;
        try
        {
            body = JSON.writeValueAsBytes(batch);
        }
        catch (final com.fasterxml.jackson.core.JsonProcessingException e)
        {
            throw new IllegalStateException(e);
        }
        client.post(body, batch.size(), (URI alertmanager, String problem) ->
        {
            final String recordKey = alertmanager + " " + what + " " + alertNames;
            if (problem == null)
            {
                if (state.firingRecorded.putIfAbsent(recordKey, true) == null)
                {
                    book.record(incidentId, "alert_sent", IncidentBook.fields().put("state", what)
                        .put("to", alertmanager.toString()).put("alerts", String.join(",", alertNames)), System.currentTimeMillis());
                }
            }
            else
            {
                book.record(incidentId, "alert_failed", IncidentBook.fields().put("state", what)
                    .put("to", alertmanager.toString()).put("error", problem), System.currentTimeMillis());
            }
        });
    }

    private Map<String, String> labels(final Incident incident)
    {
        final Map<String, String> labels = new LinkedHashMap<>(config.labels());
        labels.putAll(incident.labels());
        labels.put("incident", Long.toString(incident.id()));
        return labels;
    }

    private static Map<String, String> escalationLabels(final Map<String, String> labels)
    {
        final Map<String, String> escalation = new LinkedHashMap<>(labels);
        escalation.put("alertname", ESCALATION_ALERT);
        escalation.put("escalated_from", labels.getOrDefault("alertname", ""));
        return escalation;
    }

    private ObjectNode alert(final Incident incident, final Map<String, String> labels, final long now, final long endsAt,
        final String escalation)
    {
        final ObjectNode alert = JsonNodeFactory.instance.objectNode();
        final ObjectNode labelsNode = alert.putObject("labels");
        labels.forEach(labelsNode::put);
        final ObjectNode annotations = alert.putObject("annotations");
        annotations.put("summary", incident.summary());
        annotations.put("description", incident.description());
        final String runbook = template(config.runbookUrl(), labels);
        if (!runbook.isEmpty())
        {
            annotations.put("runbook_url", runbook);
        }
        final String dashboard = template(config.dashboardUrl(), labels);
        if (!dashboard.isEmpty())
        {
            annotations.put("dashboard", dashboard);
        }
        if (escalation != null)
        {
            annotations.put("summary", "remediation failed: " + incident.summary());
            annotations.put("description", escalation);
        }
        alert.put("startsAt", Instant.ofEpochMilli(incident.openedMillis()).toString());
        alert.put("endsAt", Instant.ofEpochMilli(endsAt).toString());
        if (!config.externalUrl().isEmpty())
        {
            alert.put("generatorURL", config.externalUrl() + "/api/incidents?id=" + incident.id());
        }
        return alert;
    }

    private static String template(final String template, final Map<String, String> labels)
    {
        return LabelTemplate.expand(template, labels, true);
    }
}
