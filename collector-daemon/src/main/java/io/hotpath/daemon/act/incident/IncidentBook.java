package io.hotpath.daemon.act.incident;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The incidents and their timelines: every transition is one journal record, written (fsync'd)
 * and then applied, and the same {@link #apply} rebuilds the state from the journal at start. So
 * what {@code /api/incidents} shows after a {@code kill -9} is what was shown before it.
 *
 * <p>Grouping: a detection whose {@link SourceEvent#groupKey} matches an open incident joins it
 * ({@code grouped}); the incident resolves when its last detection closes. Act thread only.
 */
public final class IncidentBook
{
    private static final Logger LOG = Logger.getLogger(IncidentBook.class.getName());
    /** Journal lines beyond the kept ones that trigger a compaction. */
    private static final int COMPACT_SLACK_LINES = 2000;

    private final IncidentJournal journal;
    private final IncidentsConfig config;
    private final Map<Long, Incident> incidents = new LinkedHashMap<>();
    private final Map<String, Incident> openByGroup = new HashMap<>();
    /** Records that belong to no incident (the global action switch), newest per type. */
    private final Map<String, ObjectNode> globalRecords = new LinkedHashMap<>();
    private long nextId = 1;
    private long journalLines;
    private long version;
    private boolean restartedWithOpen;

    public IncidentBook(final IncidentJournal journal, final IncidentsConfig config)
    {
        this.journal = journal;
        this.config = config;
    }

    /**
     * Rebuilds the incidents from the journal; {@code listener} sees every record too (the
     * remediator rebuilds its guardrails from them). Incidents left open wait for their sources
     * for {@code restart-grace}.
     */
    public void load(final long now, final Consumer<ObjectNode> listener)
    {
        final List<ObjectNode> records;
        try
        {
            records = journal.load();
        }
        catch (final IOException e)
        {
            LOG.log(Level.SEVERE, "cannot read the incident journal " + journal.file() + "; starting with no incidents", e);
            return;
        }
        for (final ObjectNode record : records)
        {
            apply(record);
            listener.accept(record);
        }
        journalLines = records.size();
        for (final Incident incident : openByGroup.values())
        {
            incident.openMembers().clear();
            incident.staleSince(now);
            restartedWithOpen = true;
        }
        compact(now);
        if (!records.isEmpty())
        {
            LOG.info("incident journal: " + records.size() + " records, " + incidents.size() + " incidents (" +
                openByGroup.size() + " open)" + (journal.linesSkipped() > 0 ? ", " + journal.linesSkipped() + " unreadable lines skipped" : ""));
        }
    }

    /**
     * A detection opened or closed: opens, groups into, raises the severity of or resolves an
     * incident. Returns the incident when it changed, else null (a detection reported again).
     */
    public Incident onSource(final SourceEvent event, final long now)
    {
        Incident incident = openByGroup.get(event.groupKey());
        if (event.open())
        {
            if (incident == null)
            {
                final ObjectNode fields = fields()
                    .put("source", event.source()).put("group", event.groupKey()).put("member", event.memberId())
                    .put("severity", event.severity()).put("summary", event.summary()).put("description", event.description())
                    .put("detected_at", event.startMillis());
                final ObjectNode labels = fields.putObject("labels");
                event.labels().forEach(labels::put);
                return record(nextId, "detected", fields, now);
            }
            if (incident.openMembers().add(event.memberId()))
            {
                return record(incident.id(), "grouped", fields().put("member", event.memberId()).put("severity", event.severity())
                    .put("summary", event.summary()), now);
            }
            if (SourceEvent.rank(event.severity()) > SourceEvent.rank(incident.severity()))
            {
                return record(incident.id(), "severity", fields().put("member", event.memberId()).put("severity", event.severity()), now);
            }
            return null; // known, nothing new
        }
        if (incident == null || !incident.openMembers().contains(event.memberId()))
        {
            return null;
        }
        if (incident.openMembers().size() > 1)
        {
            record(incident.id(), "cleared", fields().put("member", event.memberId()), now);
            return incident;
        }
        return record(incident.id(), "resolved", fields().put("reason", "detection over"), now);
    }

    /** Resolves incidents left open by a previous run that no source reported again within the grace. */
    public List<Incident> resolveStale(final long now)
    {
        final List<Incident> resolved = new ArrayList<>();
        if (!restartedWithOpen)
        {
            return resolved;
        }
        restartedWithOpen = false;
        for (final Incident incident : new ArrayList<>(openByGroup.values()))
        {
            if (incident.openMembers().isEmpty() && incident.staleSinceMillis() > 0)
            {
                if (now - incident.staleSinceMillis() >= config.restartGraceMillis())
                {
                    resolved.add(record(incident.id(), "resolved", fields().put("reason", "not detected again after a restart"), now));
                }
                else
                {
                    restartedWithOpen = true;
                }
            }
        }
        return resolved;
    }

    public static ObjectNode fields()
    {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Writes one transition (fsync'd) and applies it. {@code incidentId} 0: a global record. */
    public Incident record(final long incidentId, final String type, final ObjectNode fields, final long now)
    {
        final ObjectNode record = JsonNodeFactory.instance.objectNode();
        record.put("ts", now).put("incident", incidentId).put("type", type);
        record.setAll(fields);
        if (!journal.append(record) && journal.writeFailures() == 1)
        {
            LOG.severe("cannot append to the incident journal " + journal.file() + "; the timeline is kept in memory only until it works again");
        }
        journalLines++;
        version++;
        return apply(record);
    }

    private Incident apply(final ObjectNode record)
    {
        final long id = record.path("incident").asLong();
        final String type = record.path("type").asText();
        final long ts = record.path("ts").asLong();
        if (id == 0)
        {
            globalRecords.put(type, record);
            return null;
        }
        Incident incident = incidents.get(id);
        if (type.equals("detected") && incident == null)
        {
            final Map<String, String> labels = new LinkedHashMap<>();
            record.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            final SourceEvent first = new SourceEvent(record.path("source").asText(), record.path("member").asText(),
                record.path("group").asText(), labels, record.path("severity").asText(), record.path("detected_at").asLong(ts),
                true, record.path("summary").asText(), record.path("description").asText());
            incident = new Incident(id, first, ts);
            incidents.put(id, incident);
            openByGroup.put(first.groupKey(), incident);
            nextId = Math.max(nextId, id + 1);
        }
        if (incident == null)
        {
            return null; // compacted away, or a foreign line
        }
        incident.add(record);
        switch (type)
        {
            case "detected":
            case "grouped":
            case "severity":
                incident.openMembers().add(record.path("member").asText());
                incident.raiseSeverity(record.path("severity").asText());
                incident.staleSince(0);
                break;
            case "cleared":
                incident.openMembers().remove(record.path("member").asText());
                break;
            case "resolved":
                incident.resolved(ts);
                openByGroup.remove(incident.groupKey(), incident);
                break;
            default:
                break;
        }
        return incident;
    }

    /** The latest global record of {@code type} (e.g. the action switch), or null. */
    public ObjectNode globalRecord(final String type)
    {
        return globalRecords.get(type);
    }

    public Incident get(final long id)
    {
        return incidents.get(id);
    }

    /** The open incident of a group, or null. */
    public Incident openInGroup(final String groupKey)
    {
        return openByGroup.get(groupKey);
    }

    public List<Incident> open()
    {
        return new ArrayList<>(openByGroup.values());
    }

    public int openCount()
    {
        return openByGroup.size();
    }

    /** All kept incidents, oldest first. */
    public Iterable<Incident> all()
    {
        return incidents.values();
    }

    /**
     * Drops resolved incidents beyond retention (count and age) and, when the journal has grown
     * well past what is kept, rewrites it with only the kept records.
     */
    public void compact(final long now)
    {
        int resolvedKept = 0;
        for (final Incident incident : incidents.values())
        {
            resolvedKept += incident.isOpen() ? 0 : 1;
        }
        final Iterator<Incident> oldestFirst = incidents.values().iterator();
        while (oldestFirst.hasNext())
        {
            final Incident incident = oldestFirst.next();
            if (!incident.isOpen() && (resolvedKept > config.maxCount() || now - incident.resolvedMillis() > config.maxAgeMillis()))
            {
                oldestFirst.remove();
                resolvedKept--;
            }
        }
        long kept = globalRecords.size();
        for (final Incident incident : incidents.values())
        {
            kept += incident.timeline().size();
        }
        if (journalLines <= kept + COMPACT_SLACK_LINES && journalLines <= kept * 2 + 100)
        {
            return;
        }
        final List<ObjectNode> records = new ArrayList<>(globalRecords.values());
        for (final Incident incident : incidents.values())
        {
            records.addAll(incident.timeline());
        }
        try
        {
            journal.rewrite(records);
            journalLines = records.size();
        }
        catch (final IOException e)
        {
            LOG.log(Level.WARNING, "cannot compact the incident journal " + journal.file() + " (kept as it is)", e);
        }
    }

    /** Increases with every record: readers' views are rebuilt when it moved. */
    public long version()
    {
        return version;
    }

    public IncidentJournal journal()
    {
        return journal;
    }
}
