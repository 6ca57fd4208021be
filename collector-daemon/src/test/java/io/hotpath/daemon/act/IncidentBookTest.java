package io.hotpath.daemon.act;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.act.incident.Incident;
import io.hotpath.daemon.act.incident.IncidentBook;
import io.hotpath.daemon.act.incident.IncidentJournal;
import io.hotpath.daemon.act.incident.IncidentsConfig;
import io.hotpath.daemon.act.incident.SourceEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Grouping, the journal (replay, torn lines, mode) and retention of the incident book. */
class IncidentBookTest
{
    @TempDir
    Path state;

    static SourceEvent event(final String member, final String group, final String severity, final boolean open)
    {
        return new SourceEvent(SourceEvent.ANOMALY, member, group, Map.of("alertname", "HotpathAnomaly", "service", "svc",
            "severity", severity), severity, 1000, open, "summary " + member, "description");
    }

    private IncidentBook book(final IncidentsConfig config, final long now)
    {
        final IncidentBook book = new IncidentBook(new IncidentJournal(state), config);
        book.load(now, record -> { });
        return book;
    }

    @Test
    void detectionsOfOneGroupAreOneIncidentUntilTheLastCloses() throws Exception
    {
        final IncidentBook book = book(new IncidentsConfig(), 0);
        final Incident first = book.onSource(event("a:1", "g", "warning", true), 10);
        assertSame(first, book.onSource(event("a:2", "g", "critical", true), 11));
        assertEquals("critical", first.severity(), "the worst member's severity");
        assertEquals("critical", first.labels().get("severity"));
        assertNotSame(first, book.onSource(event("b:1", "other", "warning", true), 12));
        book.onSource(event("a:1", "g", "warning", false), 13);
        assertTrue(first.isOpen(), "a:2 is still open");
        book.onSource(event("a:2", "g", "critical", false), 14);
        assertFalse(first.isOpen());
        assertEquals(List.of("detected", "grouped", "cleared", "resolved"), types(first));
        assertNull(book.onSource(event("a:2", "g", "critical", false), 15), "a second close is ignored");
        final Incident polled = book.onSource(event("p:1", "p", "warning", true), 16);
        assertNull(book.onSource(event("p:1", "p", "warning", true), 17), "reported again: nothing new");
        assertSame(polled, book.onSource(event("p:1", "p", "critical", true), 18));
        assertEquals("critical", polled.severity(), "the open detection's severity grew");
        assertEquals(List.of("detected", "severity"), types(polled));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(IncidentJournal.FILE_NAME))));
    }

    @Test
    void theJournalRebuildsTheSameIncidentsAndSkipsATornLine() throws Exception
    {
        final IncidentBook book = book(new IncidentsConfig(), 0);
        final Incident one = book.onSource(event("a:1", "g", "warning", true), 10);
        book.record(one.id(), "action_started", IncidentBook.fields().put("action", "x"), 11);
        book.onSource(event("b:1", "h", "critical", true), 12);
        book.onSource(event("a:1", "g", "warning", false), 13);
        book.journal().close();
        Files.writeString(state.resolve(IncidentJournal.FILE_NAME), "{\"ts\":14,\"incident\":2,\"ty", StandardOpenOption.APPEND);

        final List<String> replayed = new ArrayList<>();
        final IncidentBook again = new IncidentBook(new IncidentJournal(state), new IncidentsConfig());
        again.load(100, record -> replayed.add(record.path("type").asText()));
        assertEquals(List.of("detected", "action_started", "detected", "resolved"), replayed);
        assertEquals(1, again.journal().linesSkipped());
        assertEquals(types(one), types(again.get(one.id())));
        assertFalse(again.get(one.id()).isOpen());
        assertTrue(again.get(2).isOpen());
        assertEquals(1, again.openCount());
        // New ids continue after the old ones; the open group is continued, not duplicated.
        assertSame(again.get(2), again.onSource(event("b:9", "h", "critical", true), 101));
        assertEquals(3, again.onSource(event("c:1", "new", "warning", true), 102).id());
    }

    @Test
    void incidentsLeftOpenByACrashResolveAfterTheGraceUnlessReportedAgain()
    {
        final IncidentsConfig config = new IncidentsConfig();
        config.setRestartGrace("10s");
        final IncidentBook before = book(config, 0);
        before.onSource(event("a:1", "g", "warning", true), 10);
        before.onSource(event("b:1", "h", "warning", true), 10);
        before.journal().close();

        final IncidentBook after = book(config, 1_000);
        after.onSource(event("b:7", "h", "warning", true), 2_000); // h is detected again
        assertTrue(after.resolveStale(5_000).isEmpty(), "within the grace");
        final List<Incident> resolved = after.resolveStale(11_000);
        assertEquals(1, resolved.size());
        assertEquals("g", resolved.get(0).groupKey());
        assertTrue(after.openInGroup("h").isOpen());
    }

    @Test
    void retentionKeepsTheNewestResolvedAndCompactionRewritesTheJournal() throws Exception
    {
        final IncidentsConfig config = new IncidentsConfig();
        config.setRetention(Map.of("max-count", "2"));
        final IncidentBook book = book(config, 0);
        for (int i = 0; i < 5; i++)
        {
            book.onSource(event("m" + i, "g" + i, "warning", true), 10 + i);
            book.onSource(event("m" + i, "g" + i, "warning", false), 20 + i);
        }
        book.onSource(event("open", "still", "warning", true), 30);
        book.compact(40);
        final List<Long> kept = new ArrayList<>();
        book.all().forEach(incident -> kept.add(incident.id()));
        assertEquals(List.of(4L, 5L, 6L), kept, "the two newest resolved and the open one");
        book.journal().close();
        final IncidentBook reloaded = book(config, 50);
        final List<Long> reloadedIds = new ArrayList<>();
        reloaded.all().forEach(incident -> reloadedIds.add(incident.id()));
        assertEquals(kept, reloadedIds);
    }

    private static void assertSame(final Object expected, final Object actual)
    {
        org.junit.jupiter.api.Assertions.assertSame(expected, actual);
    }

    private static void assertNotSame(final Object unexpected, final Object actual)
    {
        org.junit.jupiter.api.Assertions.assertNotSame(unexpected, actual);
    }

    static List<String> types(final Incident incident)
    {
        final List<String> types = new ArrayList<>();
        incident.timeline().forEach(record -> types.add(record.path("type").asText()));
        return types;
    }
}
