package io.hotpath.daemon.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotpath.daemon.act.incident.IncidentJournal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one way state files are replaced: whole content, 0640 whatever the umask, no temporary file left behind. */
class AtomicFileTest
{
    @TempDir
    Path temp;

    @Test
    void replacesTheWholeFileAt0640AndLeavesNoTemporaryFile() throws Exception
    {
        final Path file = temp.resolve("state.json");
        AtomicFile.write(file, "a longer first content".getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(file, "short".getBytes(StandardCharsets.UTF_8));
        assertEquals("short", Files.readString(file));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of(file), listing());
    }

    @Test
    void aFailedWriteLeavesTheOldContent() throws Exception
    {
        final Path file = temp.resolve("acked");
        AtomicFile.write(file, "7".getBytes(StandardCharsets.UTF_8));
        Files.createDirectory(temp.resolve("acked.tmp")); // the temporary file cannot be created
        assertThrows(IOException.class, () -> AtomicFile.write(file, "8".getBytes(StandardCharsets.UTF_8)));
        assertEquals("7", Files.readString(file));
    }

    @Test
    void theIncidentJournalCompactsThroughIt() throws Exception
    {
        final IncidentJournal journal = new IncidentJournal(temp);
        final ObjectNode record = JsonNodeFactory.instance.objectNode().put("ts", 1).put("incident", 1).put("type", "opened");
        journal.rewrite(List.of(record, record));
        assertEquals(2, journal.load().size());
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(journal.file())));
        assertFalse(Files.exists(temp.resolve(IncidentJournal.FILE_NAME + ".tmp")));
    }

    private List<Path> listing() throws IOException
    {
        try (var files = Files.list(temp))
        {
            return files.sorted().toList();
        }
    }
}
