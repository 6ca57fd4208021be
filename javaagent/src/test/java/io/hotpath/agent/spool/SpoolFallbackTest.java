package io.hotpath.agent.spool;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;

import static org.junit.jupiter.api.Assertions.assertTrue;

class SpoolFallbackTest
{
    @TempDir
    Path temp;

    @Test
    void aSpoolOfAnotherGroupNamesTheGroupToJoinAndTheMode() throws Exception
    {
        final Path spool = Files.createDirectory(temp.resolve("spool"));
        Files.setAttribute(spool, "unix:mode", 02770);
        Assumptions.assumeTrue(chown(spool, "nobody", "nogroup"), "needs root to give the directory away");
        final String user = System.getProperty("user.name");
        final String message = SpoolFallback.explain(spool, new IOException(spool + " is not writable"), temp.resolve("fallback"));
        assertTrue(message.contains("add user " + user + " to group nogroup that owns " + spool + " (mode 2770): usermod -aG nogroup " + user),
            message);
        assertTrue(message.contains("writing to " + temp.resolve("fallback") + " instead, which hotpathd does not read"), message);
    }

    @Test
    void aMissingSpoolUnderAClosedParentSaysHowToCreateIt() throws Exception
    {
        final Path parent = Files.createDirectory(temp.resolve("lib"));
        final String message = SpoolFallback.explain(parent.resolve("spool"), new IOException("denied"), temp.resolve("fallback"));
        assertTrue(message.contains(parent.resolve("spool") + " does not exist and " + parent + " (owner "), message);
        assertTrue(message.contains("install -d -m 2770 -g hotpath " + parent.resolve("spool")), message);
    }

    @Test
    void somethingUnreadableStillGivesTheFallback()
    {
        final String message = SpoolFallback.explain(Path.of("/proc/hotpath-cannot-exist"), new IOException("x"), Path.of("/tmp/f"));
        assertTrue(message.startsWith("spool directory /proc/hotpath-cannot-exist is not usable by user "), message);
        assertTrue(message.contains("writing to /tmp/f instead"), message);
    }

    private static boolean chown(final Path path, final String user, final String group)
    {
        try
        {
            final PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            final UserPrincipal owner = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
            final GroupPrincipal groupPrincipal = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
            view.setOwner(owner);
            view.setGroup(groupPrincipal);
            return !System.getProperty("user.name").equals(user);
        }
        catch (final IOException | UnsupportedOperationException e)
        {
            return false;
        }
    }
}
