package io.hotpath.agent.spool;

import io.hotpath.agent.AgentLog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Finds and prepares this JVM's queue directory (see {@code wire-protocol/SPOOL.md}): the spool
 * directory is created {@code 0750} when missing; the queue directory is
 * {@code <service>-<pid>-<jvmStartEpochMillis>}, also {@code 0750}. If the configured spool is not
 * writable the agent falls back to {@code $TMPDIR/hotpath-spool} with one warning.
 */
public final class SpoolDirectory
{
    public static final Set<PosixFilePermission> DIRECTORY_PERMISSIONS = PosixFilePermissions.fromString("rwxr-x---");
    public static final Set<PosixFilePermission> FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-r-----");
    public static final String CLOSED_MARKER = "hotpath.closed";

    private SpoolDirectory()
    {
    }

    public static String queueName(final String serviceName, final long pid, final long jvmStartEpochMillis)
    {
        return serviceName + "-" + pid + "-" + jvmStartEpochMillis;
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
            AgentLog.warn("spool directory " + configured + " is not usable (" + e + "); using " + fallback +
                " instead (set hotpath.spool.dir to choose another)");
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
        setPermissions(dir, DIRECTORY_PERMISSIONS);
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
