package io.hotpath.daemon;

import io.hotpath.daemon.config.syntax.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Start-up checks of the spool and state directories: a path that can never work (a regular file,
 * under a regular file, not readable or writable by this user) stops hotpathd at once with the
 * path and the problem ({@link Hotpathd} exits 2, as for any configuration error), instead of a
 * daemon that reports ok while it collects nothing or cannot checkpoint.
 */
final class UsableDirectory
{
    private UsableDirectory()
    {
    }

    /**
     * Ensures {@code directory} exists (created 0750 if missing) and is a directory this user can
     * list, and write when {@code write}.
     *
     * @param key the config key naming it (e.g. {@code spool.dir}), for the message
     */
    static void ensure(final String key, final Path directory, final boolean write) throws ConfigException
    {
        final String problem = problem(directory, write);
        if (problem != null)
        {
            throw new ConfigException(key + " " + directory + ": " + problem, null);
        }
        if (!Files.isDirectory(directory))
        {
            try
            {
                Files.createDirectories(directory);
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-x---"));
            }
            catch (final UnsupportedOperationException e)
            {
                // Not a POSIX file system: keep its defaults.
            }
            catch (final IOException e)
            {
                throw new ConfigException(key + " " + directory + ": does not exist and cannot be created (" + e + ")", e);
            }
        }
    }

    /** What makes {@code directory} unusable, or null. */
    static String problem(final Path directory, final boolean write)
    {
        if (Files.exists(directory))
        {
            if (!Files.isDirectory(directory))
            {
                return "is not a directory (it is a " + (Files.isRegularFile(directory) ? "regular file" : "special file") + ")";
            }
            if (!Files.isReadable(directory) || !Files.isExecutable(directory))
            {
                return "is not readable by user " + System.getProperty("user.name") + " (it needs r and x permission)";
            }
            if (write && !Files.isWritable(directory))
            {
                return "is not writable by user " + System.getProperty("user.name");
            }
            return null;
        }
        Path ancestor = directory.toAbsolutePath().getParent();
        while (ancestor != null && !Files.exists(ancestor))
        {
            ancestor = ancestor.getParent();
        }
        if (ancestor != null && !Files.isDirectory(ancestor))
        {
            return "cannot be created: " + ancestor + " is a " + (Files.isRegularFile(ancestor) ? "regular file" : "special file") +
                ", not a directory";
        }
        return null;
    }
}
