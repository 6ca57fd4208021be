package io.hotpath.distribution;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.LinkOption;

/**
 * The systemd files as systemd's own tools read them: {@code systemd-analyze verify} on the unit
 * (warnings count as failures: verify exits 0 on unknown keys), {@code systemd-sysusers} and
 * {@code systemd-tmpfiles} on the user and spool snippets. All in a scratch root ({@code --root}),
 * never on the host. Skipped when the tools are absent (CI installs systemd).
 */
class SystemdUnitIT
{
    private static final Path ANALYZE = Path.of("/usr/bin/systemd-analyze");
    private static final Path SYSUSERS = Path.of("/usr/bin/systemd-sysusers");
    private static final Path TMPFILES = Path.of("/usr/bin/systemd-tmpfiles");

    @TempDir
    Path temp;

    @Test
    void unitVerifiesWithoutAnyMessage() throws Exception
    {
        assumeTrue(Files.isExecutable(ANALYZE), "systemd-analyze not installed");
        final Path root = scratchRoot();
        final Processes.Result verify = Processes.run(temp, List.of(ANALYZE.toString(), "verify", "--root=" + root, "hotpathd.service"));
        assertEquals(0, verify.exit(), verify.toString());
        assertEquals("", verify.stderr(), "systemd-analyze verify printed warnings");
        assertEquals("", verify.stdout(), verify.toString());
    }

    @Test
    void verifyWouldCatchAnUnknownKey() throws Exception
    {
        assumeTrue(Files.isExecutable(ANALYZE), "systemd-analyze not installed");
        final Path root = scratchRoot();
        final Path unit = root.resolve("etc/systemd/system/hotpathd.service");
        Files.writeString(unit, Files.readString(unit).replace("[Service]\n", "[Service]\nWatchdogSeconds=30\n"));
        final Processes.Result verify = Processes.run(temp, List.of(ANALYZE.toString(), "verify", "--root=" + root, "hotpathd.service"));
        assertTrue(verify.stderr().contains("Unknown key 'WatchdogSeconds'"), verify.toString());
    }

    @Test
    void sysusersAndTmpfilesMakeTheUserAndTheSetgidSpool() throws Exception
    {
        assumeTrue(Files.isExecutable(SYSUSERS) && Files.isExecutable(TMPFILES), "systemd-sysusers/-tmpfiles not installed");
        final Path root = temp.resolve("root");
        Files.createDirectories(root.resolve("etc/sysusers.d"));
        Files.createDirectories(root.resolve("etc/tmpfiles.d"));
        Files.copy(DefaultConfigTest.root().resolve("systemd/hotpath.sysusers"), root.resolve("etc/sysusers.d/hotpath.conf"));
        Files.copy(DefaultConfigTest.root().resolve("systemd/hotpath.tmpfiles"), root.resolve("etc/tmpfiles.d/hotpath.conf"));

        final Processes.Result users = Processes.run(temp, List.of(SYSUSERS.toString(), "--root=" + root));
        assertEquals(0, users.exit(), users.toString());
        final List<String> passwd = Files.readAllLines(root.resolve("etc/passwd"));
        final String user = passwd.stream().filter(l -> l.startsWith("hotpath:")).findFirst().orElseThrow(() -> new AssertionError(passwd));
        final String[] fields = user.split(":");
        assertEquals("/var/lib/hotpath", fields[5], user);
        assertTrue(fields[6].endsWith("nologin"), user);
        assertTrue(Files.readAllLines(root.resolve("etc/group")).stream().anyMatch(l -> l.startsWith("hotpath:x:" + fields[3] + ":")),
            "group hotpath with the user's gid");

        // Creating a directory owned by another user needs root; as anyone else only the syntax is checked.
        final boolean root0 = "root".equals(System.getProperty("user.name"));
        final Processes.Result files = Processes.run(temp, root0
            ? List.of(TMPFILES.toString(), "--root=" + root, "--create")
            : List.of(TMPFILES.toString(), "--root=" + root, "--cat-config"));
        assertEquals(0, files.exit(), files.toString());
        assertEquals("", files.stderr(), files.toString());
        if (root0)
        {
            final Path spool = root.resolve("var/lib/hotpath/spool");
            final PosixFileAttributes attributes = Files.readAttributes(spool, PosixFileAttributes.class);
            assertEquals("rwxrwx---", PosixFilePermissions.toString(attributes.permissions()));
            assertEquals(02000, (int)Files.getAttribute(spool, "unix:mode") & 02000, "setgid bit");
            assertEquals(Integer.parseInt(fields[2]), (int)Files.getAttribute(spool, "unix:uid"));
            assertEquals(Integer.parseInt(fields[3]), (int)Files.getAttribute(spool, "unix:gid"));
        }
    }

    /**
     * A root holding what verify looks at: systemd's own units (for the dependencies), the unit
     * under /etc/systemd/system, and an executable at the ExecStart path.
     */
    private Path scratchRoot() throws IOException
    {
        final Path root = temp.resolve("root");
        copyTree(Path.of("/usr/lib/systemd/system"), root.resolve("usr/lib/systemd/system"));
        final Path units = Files.createDirectories(root.resolve("etc/systemd/system"));
        Files.copy(DefaultConfigTest.root().resolve("systemd/hotpathd.service"), units.resolve("hotpathd.service"));
        final Path launcher = Files.createDirectories(root.resolve("opt/hotpath/bin")).resolve("hotpathd");
        Files.copy(DefaultConfigTest.root().resolve("collector-daemon/bin/hotpathd"), launcher);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        // ExecReload=/bin/kill -HUP $MAINPID
        final Path kill = Files.createDirectories(root.resolve("bin")).resolve("kill");
        Files.copy(Path.of("/bin/kill").toRealPath(), kill);
        Files.setPosixFilePermissions(kill, PosixFilePermissions.fromString("rwxr-xr-x"));
        return root;
    }

    private static void copyTree(final Path from, final Path to) throws IOException
    {
        try (Stream<Path> paths = Files.walk(from))
        {
            for (final Path path : (Iterable<Path>)paths::iterator)
            {
                final Path target = to.resolve(from.relativize(path).toString());
                if (Files.isSymbolicLink(path) && Files.readSymbolicLink(path).toString().equals("/dev/null"))
                {
                    continue; // masked units: not needed, and a link out of the temp dir
                }
                if (Files.isSymbolicLink(path))
                {
                    Files.createDirectories(target.getParent());
                    Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                else if (Files.isDirectory(path))
                {
                    Files.createDirectories(target);
                }
                else
                {
                    Files.copy(path, target);
                }
            }
        }
    }
}
