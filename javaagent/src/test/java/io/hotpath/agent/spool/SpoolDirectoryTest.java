package io.hotpath.agent.spool;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spool's ownership contract of SPOOL.md, on the real file system, with real Chronicle queue files. */
class SpoolDirectoryTest
{
    @TempDir
    Path temp;

    @Test
    void createdSpoolAndQueueDirectoriesAre2750() throws Exception
    {
        final Path spool = temp.resolve("spool");
        final Path queue = SpoolDirectory.prepare(spool, "svc-1-2");
        assertEquals("2750", mode(spool));
        assertEquals("2750", mode(queue));
        assertEquals(spool.resolve("svc-1-2"), queue);
    }

    @Test
    void anExistingSpoolDirectoryKeepsItsMode() throws Exception
    {
        final Path spool = Files.createDirectory(temp.resolve("spool"));
        Files.setAttribute(spool, "unix:mode", 0770);
        final Path queue = SpoolDirectory.prepare(spool, "svc-1-2");
        assertEquals("770", mode(spool));
        assertEquals("2750", mode(queue));
    }

    /**
     * The operator's set-up: the spool directory belongs to a group shared with the daemon (not
     * the JVM user's primary group) and has the setgid bit. Queue directory, queue files and the
     * closed marker must all belong to that group, directories 0750(+setgid), files 0640.
     */
    @Test
    void queueDirectoriesAndFilesBelongToTheSpoolDirectorysGroup() throws Exception
    {
        final Path spool = Files.createDirectory(temp.resolve("spool"));
        final GroupPrincipal shared = anotherGroup(spool);
        Files.setAttribute(spool, "unix:mode", 02750);

        final Path queue = SpoolDirectory.prepare(spool, "svc-1-2");
        final SpoolWriter writer = new SpoolWriter(queue, "FAST_HOURLY", 1L << 30);
        writer.write(new byte[64], 64, 1);
        writer.close();

        assertEquals(shared, group(queue));
        assertEquals("2750", mode(queue));
        final List<Path> files;
        try (Stream<Path> list = Files.list(queue))
        {
            files = list.toList();
        }
        assertTrue(files.stream().anyMatch(f -> f.toString().endsWith(".cq4")), files.toString());
        assertTrue(files.contains(queue.resolve(SpoolDirectory.CLOSED_MARKER)), files.toString());
        for (final Path file : files)
        {
            assertEquals(shared, group(file), file.toString());
            assertEquals("640", mode(file), file.toString());
        }
    }

    /** A group other than the directory's current one that this process may give it (root: any), else the test is skipped. */
    private static GroupPrincipal anotherGroup(final Path dir) throws IOException
    {
        final GroupPrincipal own = group(dir);
        final UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        for (final String name : List.of("daemon", "adm", "users", "staff", "nogroup", "bin", "sys"))
        {
            try
            {
                final GroupPrincipal candidate = lookup.lookupPrincipalByGroupName(name);
                if (!candidate.equals(own))
                {
                    Files.getFileAttributeView(dir, PosixFileAttributeView.class).setGroup(candidate);
                    return candidate;
                }
            }
            catch (final IOException notAllowedOrAbsent)
            {
                // try the next one
            }
        }
        Assumptions.abort("this user cannot give a directory another group");
        throw new AssertionError();
    }

    private static GroupPrincipal group(final Path path) throws IOException
    {
        return Files.readAttributes(path, PosixFileAttributes.class).group();
    }

    /** Permission and setgid bits, in octal. */
    static String mode(final Path path) throws IOException
    {
        assertFalse(Files.isSymbolicLink(path));
        return Integer.toOctalString((Integer)Files.getAttribute(path, "unix:mode") & 07777);
    }
}
