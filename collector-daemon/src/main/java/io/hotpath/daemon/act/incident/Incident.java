package io.hotpath.daemon.act.incident;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One incident: detections of one group open at the same time, from the first one opening to the
 * last one closing, with its timeline (the journal's records for it, in order). Mutable, owned by
 * the act thread; readers get {@link #toJson} copies.
 */
public final class Incident
{
    /** Timeline entries kept per incident; further ones (a flapping group) are counted, not kept. */
    static final int MAX_TIMELINE = 400;

    private final long id;
    private final String source;
    private final String groupKey;
    private final Map<String, String> labels;
    private String severity;
    private final String summary;
    private final String description;
    private final long openedMillis;
    private long resolvedMillis;
    private final Set<String> openMembers = new LinkedHashSet<>();
    /** Set when the daemon restarted with this incident open and no source has reported it since. */
    private long staleSinceMillis;
    private final List<ObjectNode> timeline = new ArrayList<>();
    private int timelineDropped;

    Incident(final long id, final SourceEvent first, final long openedMillis)
    {
        this.id = id;
        this.source = first.source();
        this.groupKey = first.groupKey();
        this.labels = new LinkedHashMap<>(first.labels());
        this.severity = first.severity();
        this.summary = first.summary();
        this.description = first.description();
        this.openedMillis = openedMillis;
    }

    public long id()
    {
        return id;
    }

    public String source()
    {
        return source;
    }

    public String groupKey()
    {
        return groupKey;
    }

    /** The alert labels: the first detection's, with the worst severity so far. */
    public Map<String, String> labels()
    {
        return labels;
    }

    public String severity()
    {
        return severity;
    }

    void raiseSeverity(final String value)
    {
        if (SourceEvent.rank(value) > SourceEvent.rank(severity))
        {
            severity = value;
            if (labels.containsKey("severity"))
            {
                labels.put("severity", value);
            }
        }
    }

    public String summary()
    {
        return summary;
    }

    public String description()
    {
        return description;
    }

    public long openedMillis()
    {
        return openedMillis;
    }

    public boolean isOpen()
    {
        return resolvedMillis == 0;
    }

    public long resolvedMillis()
    {
        return resolvedMillis;
    }

    void resolved(final long millis)
    {
        resolvedMillis = millis;
        openMembers.clear();
    }

    Set<String> openMembers()
    {
        return openMembers;
    }

    long staleSinceMillis()
    {
        return staleSinceMillis;
    }

    void staleSince(final long millis)
    {
        staleSinceMillis = millis;
    }

    /** The journal records of this incident, oldest first (read on the act thread only). */
    public List<ObjectNode> timeline()
    {
        return timeline;
    }

    void add(final ObjectNode record)
    {
        if (timeline.size() < MAX_TIMELINE)
        {
            timeline.add(record);
        }
        else
        {
            timelineDropped++;
        }
    }

    /** Whether the timeline has an entry of this type (for {@code action}, if given). */
    public boolean has(final String type, final String action)
    {
        for (final ObjectNode entry : timeline)
        {
            if (entry.path("type").asText().equals(type) && (action == null || action.equals(entry.path("action").asText())))
            {
                return true;
            }
        }
        return false;
    }

    /** A detached copy for readers (HTTP, the CLI). */
    public ObjectNode toJson()
    {
        final ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", id);
        node.put("state", isOpen() ? "open" : "resolved");
        node.put("source", source);
        node.put("severity", severity);
        node.put("summary", summary);
        node.put("description", description);
        final ObjectNode labelsNode = node.putObject("labels");
        labels.forEach(labelsNode::put);
        node.put("opened", Instant.ofEpochMilli(openedMillis).toString());
        node.put("opened_epoch_ms", openedMillis);
        if (isOpen())
        {
            node.putNull("resolved");
        }
        else
        {
            node.put("resolved", Instant.ofEpochMilli(resolvedMillis).toString());
            node.put("resolved_epoch_ms", resolvedMillis);
            node.put("duration_seconds", (resolvedMillis - openedMillis) / 1000.0);
        }
        node.put("open_detections", openMembers.size());
        final var entries = node.putArray("timeline");
        for (final JsonNode entry : timeline)
        {
            final ObjectNode copy = entry.deepCopy();
            copy.remove("incident");
            copy.put("at", Instant.ofEpochMilli(entry.path("ts").asLong()).toString());
            entries.add(copy);
        }
        if (timelineDropped > 0)
        {
            node.put("timeline_dropped", timelineDropped);
        }
        return node;
    }
}
