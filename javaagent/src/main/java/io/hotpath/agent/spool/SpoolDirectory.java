package io.hotpath.agent.spool;

import io.hotpath.agent.AgentLog;
import io.hotpath.wire.SpoolLayoutDescriptor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Finds and prepares this JVM's queue directory (see {@code wire-protocol/SPOOL.md}): the spool
 * directory is created when missing and the queue directory {@code <service>-<pid>-<jvmStartEpochMillis>}
 * always, both {@code 2750} ({@code rwxr-s---}): the owner writes, the group (the daemon's) reads,
 * and the setgid bit makes everything created inside belong to the directory's group, so an
 * operator who gives the spool directory a group shared with {@code hotpathd} gets queue
 * directories and files the daemon can read, whatever the JVM user's primary group. Queue files are
 * made {@code 0640} and, should the file system not apply setgid inheritance, given their
 * directory's group explicitly. A spool directory that already exists keeps its mode and group.
 * If the configured spool is not writable the agent falls back to {@code $TMPDIR/hotpath-spool}
 * with one warning.
 */
public final class SpoolDirectory
{
    public static final Set<PosixFilePermission> DIRECTORY_PERMISSIONS = PosixFilePermissions.fromString("rwxr-x---");
    public static final Set<PosixFilePermission> FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-r-----");
    /** {@code rwxr-s---}: {@link #DIRECTORY_PERMISSIONS} plus setgid. */
    public static final int DIRECTORY_MODE = 02750;
    public static final String CLOSED_MARKER = SpoolLayoutDescriptor.CLOSED_MARKER;

    private SpoolDirectory()
    {
    }

    public static String queueName(final String serviceName, final long pid, final long jvmStartEpochMillis)
    {
        return SpoolLayoutDescriptor.queueName(serviceName, pid, jvmStartEpochMillis);
    }

    /** Creates the queue directory under the configured spool or the fallback; throws if neither works. */
    public static Path prepare(final Path configured, final String queueName) throws IOException
    {
        try
        {
            return create(configured, queueName);
        }
        catch (final IOException | RuntimeException e)
        {
            final String tmp = System.getenv().getOrDefault("TMPDIR", System.getProperty("java.io.tmpdir"));
            final Path fallback = Paths.get(tmp, "hotpath-spool");
            AgentLog.warn(SpoolFallback.explain(configured, e, fallback));
            return create(fallback, queueName);
        }
    }

    private static Path create(final Path spool, final String queueName) throws IOException
    {
        createDirectory(spool);
        if (!Files.isWritable(spool))
        {
            throw new IOException(spool + " is not writable");
        }
        final Path queue = spool.resolve(queueName);
        createDirectory(queue);
        return queue;
    }

    private static void createDirectory(final Path dir) throws IOException
    {
        if (Files.isDirectory(dir))
        {
            return;
        }
        Files.createDirectories(dir);
        try
        {
            Files.setAttribute(dir, "unix:mode", DIRECTORY_MODE);
        }
        catch (final UnsupportedOperationException | IllegalArgumentException | IOException noUnixView)
        {
            AgentLog.debug("cannot set the setgid bit of " + dir + ": " + noUnixView);
            setPermissions(dir, DIRECTORY_PERMISSIONS);
        }
    }

    /** Makes a file of a queue directory {@code 0640} and of the directory's group (best effort). */
    public static void restrictFile(final Path file)
    {
        setPermissions(file, FILE_PERMISSIONS);
        try
        {
            final GroupPrincipal directoryGroup = Files.readAttributes(file.toAbsolutePath().getParent(), PosixFileAttributes.class).group();
            final PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (view != null && !view.readAttributes().group().equals(directoryGroup))
            {
                view.setGroup(directoryGroup);
            }
        }
        catch (final UnsupportedOperationException | IOException | SecurityException e)
        {
            AgentLog.debug("cannot give " + file + " its directory's group: " + e);
        }
    }

    /** Best effort: file systems without POSIX permissions keep their defaults. */
    public static void setPermissions(final Path path, final Set<PosixFilePermission> permissions)
    {
        try
        {
            Files.setPosixFilePermissions(path, permissions);
        }
        catch (final UnsupportedOperationException | IOException e)
        {
            AgentLog.debug("cannot set permissions of " + path + ": " + e);
        }
    }
}
