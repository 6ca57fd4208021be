package io.hotpath.daemon.detect;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Groups anomaly events that start together into incidents: every transport slowing down at once is
 * one incident with a member per series and signal, not a page per series.
 *
 * <p><b>Rule.</b> An opening event joins the newest incident when that incident is still open (a
 * member event still open) and its last member opened at most {@code groupWithinMillis} before (30
 * intervals in the daemon: the time a change takes to show on every signal and series it touches,
 * a spike and the catch-up after it included); otherwise it starts a new incident. An incident closes when every member event has closed, and is kept among the recent
 * ones. Severity is the highest of its members', direction {@code up}, {@code down} or {@code mixed}.
 *
 * <p><b>Listeners</b> ({@link #addListener}) hear every incident opening, changing (a member joined,
 * closed or got worse) and closing, with an immutable {@link Incident} snapshot; they run on the
 * aggregation thread and must be quick. {@link #active()} and {@link #recent(int)} may be read from
 * any thread. Bounded: at most {@code keepRecent} closed incidents, members capped at {@link #MAX_MEMBERS}.
 */
public final class IncidentGrouper
{
    /** Members listed per incident; more are counted in {@link Incident#members()} only by size. */
    static final int MAX_MEMBERS = 256;

    private final long groupWithinMillis;
    private final int keepRecent;
    private final List<IncidentListener> listeners = new CopyOnWriteArrayList<>();
    private final ArrayDeque<Incident> recent = new ArrayDeque<>();
    private final Map<Long, Builder> open = new LinkedHashMap<>();
    /** Event id to the incident it belongs to, for open events only. */
    private final Map<Long, Builder> byEvent = new LinkedHashMap<>();
    private Builder newest;
    private long ids;
    private volatile List<Incident> activeSnapshot = List.of();
    private volatile long opened;

    /** Hears incidents open, change and close. */
    public interface IncidentListener
    {
        void onIncident(Incident incident, Change change);
    }

    /** What happened to an incident. */
    public enum Change
    {
        OPENED, UPDATED, CLOSED
    }

    /** One member of an incident: an event on one signal of one series. */
    public record Member(long eventId, String seriesKey, Map<String, String> labels, Signal signal, Direction direction,
        Severity severity, long alertMillis, boolean open, String agreed)
    {
    }

    /**
     * An incident snapshot.
     *
     * @param startMillis  the earliest (back-dated) start of its members
     * @param alertMillis  when its first member opened
     * @param endMillis    when its last member closed, or {@link AnomalyEvent#OPEN}
     */
    public record Incident(long id, long startMillis, long alertMillis, long endMillis, Severity severity,
        String direction, List<Member> members)
    {
        public boolean isOpen()
        {
            return endMillis == AnomalyEvent.OPEN;
        }

        public String state()
        {
            return isOpen() ? "open" : "closed";
        }

        /** Writes the incident into {@code node} (the {@code /api/anomalies} {@code incidents} element). */
        public ObjectNode toJson(final ObjectNode node)
        {
            node.put("id", id);
            node.put("state", state());
            node.put("severity", severity.label());
            node.put("direction", direction);
            node.put("start", Instant.ofEpochMilli(startMillis).toString());
            node.put("alert", Instant.ofEpochMilli(alertMillis).toString());
            if (isOpen())
            {
                node.putNull("end");
            }
            else
            {
                node.put("end", Instant.ofEpochMilli(endMillis).toString());
            }
            final ArrayNode membersNode = node.putArray("members");
            for (final Member member : members)
            {
                final ObjectNode m = membersNode.addObject();
                m.put("event_id", member.eventId());
                m.put("series", member.seriesKey());
                m.put("signal", member.signal().label());
                m.put("direction", member.direction().label());
                m.put("severity", member.severity().label());
                m.put("agreed", member.agreed());
                m.put("open", member.open());
                m.put("alert", Instant.ofEpochMilli(member.alertMillis()).toString());
            }
            return node;
        }
    }

    public IncidentGrouper(final long groupWithinMillis, final int keepRecent)
    {
        this.groupWithinMillis = groupWithinMillis;
        this.keepRecent = keepRecent;
    }

    public void addListener(final IncidentListener listener)
    {
        listeners.add(listener);
    }

    /** Feeds an event snapshot (open, updated or closed), on the aggregation thread. */
    public void onEvent(final AnomalyEvent event)
    {
        Builder incident = byEvent.get(event.id());
        Change change;
        if (incident == null)
        {
            if (!event.isOpen())
            {
                return; // closed without ever being seen open (not ours)
            }
            if (newest != null && !newest.closed && event.alertMillis() - newest.lastAlert <= groupWithinMillis)
            {
                incident = newest;
                change = Change.UPDATED;
            }
            else
            {
                incident = new Builder(++ids);
                open.put(incident.id, incident);
                newest = incident;
                opened++;
                change = Change.OPENED;
            }
            byEvent.put(event.id(), incident);
        }
        else
        {
            change = Change.UPDATED;
        }
        incident.put(event);
        if (!event.isOpen())
        {
            byEvent.remove(event.id());
        }
        if (incident.allClosed())
        {
            incident.closed = true;
            open.remove(incident.id);
            change = Change.CLOSED;
        }
        final Incident snapshot = incident.snapshot();
        if (change == Change.CLOSED)
        {
            synchronized (recent)
            {
                if (recent.size() == keepRecent)
                {
                    recent.removeFirst();
                }
                recent.addLast(snapshot);
            }
        }
        final List<Incident> active = new ArrayList<>(open.size());
        for (final Builder b : open.values())
        {
            active.add(b == incident ? snapshot : b.snapshot());
        }
        activeSnapshot = List.copyOf(active);
        for (final IncidentListener listener : listeners)
        {
            listener.onIncident(snapshot, change);
        }
    }

    /** Open incidents, oldest first. */
    public List<Incident> active()
    {
        return activeSnapshot;
    }

    /** Closed incidents, newest first, at most {@code limit}. */
    public List<Incident> recent(final int limit)
    {
        final List<Incident> list = new ArrayList<>();
        synchronized (recent)
        {
            final Iterator<Incident> newestFirst = recent.descendingIterator();
            while (newestFirst.hasNext() && list.size() < limit)
            {
                list.add(newestFirst.next());
            }
        }
        return list;
    }

    /** Carries the count (and the ids after it) over a restart ({@link DetectorStateFile}); before any event. */
    synchronized void restoreOpened(final long count)
    {
        opened = count;
        ids = Math.max(ids, count);
    }

    /** Incidents opened since start. */
    public long opened()
    {
        return opened;
    }

    private static final class Builder
    {
        final long id;
        final Map<Long, Member> members = new LinkedHashMap<>();
        long start = Long.MAX_VALUE;
        long firstAlert = Long.MAX_VALUE;
        long lastAlert = Long.MIN_VALUE;
        long end = Long.MIN_VALUE;
        boolean closed;

        Builder(final long id)
        {
            this.id = id;
        }

        void put(final AnomalyEvent event)
        {
            if (members.size() >= MAX_MEMBERS && !members.containsKey(event.id()))
            {
                return;
            }
            members.put(event.id(), new Member(event.id(), event.seriesKey(), event.labels(), event.signal(),
                event.direction(), event.severity(), event.alertMillis(), event.isOpen(), event.agreed()));
            start = Math.min(start, event.startMillis());
            firstAlert = Math.min(firstAlert, event.alertMillis());
            lastAlert = Math.max(lastAlert, event.alertMillis());
            if (!event.isOpen())
            {
                end = Math.max(end, event.endMillis());
            }
        }

        boolean allClosed()
        {
            for (final Member member : members.values())
            {
                if (member.open())
                {
                    return false;
                }
            }
            return true;
        }

        Incident snapshot()
        {
            Severity severity = Severity.WARNING;
            boolean up = false;
            boolean down = false;
            for (final Member member : members.values())
            {
                severity = member.severity() == Severity.CRITICAL ? Severity.CRITICAL : severity;
                up |= member.direction() == Direction.UP;
                down |= member.direction() == Direction.DOWN;
            }
            return new Incident(id, start, firstAlert, closed ? end : AnomalyEvent.OPEN, severity,
                up && down ? "mixed" : down ? "down" : "up", List.copyOf(members.values()));
        }
    }
}
