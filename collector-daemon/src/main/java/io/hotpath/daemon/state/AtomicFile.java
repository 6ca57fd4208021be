package io.hotpath.daemon.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The one way the daemon replaces a state file (checkpoint, detector state, incident journal
 * compaction, remote-write acknowledgements): the bytes go to {@code <name>.tmp} in the same
 * directory (mode 0640), are fsynced, renamed over the file, and the directory is fsynced, so a
 * crash at any point leaves either the old or the new content, whole, and the new name survives a
 * power loss. One writer per file (the temporary name is fixed, so a crash leaves no litter).
 */
public final class AtomicFile
{
    private AtomicFile()
    {
    }

    /** Replaces {@code file} with {@code bytes}, atomically and durably. */
    public static void write(final Path file, final byte[] bytes) throws IOException
    {
        final Path directory = file.toAbsolutePath().getParent();
        final Path temp = directory.resolve(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp,
            StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
        {
            ownerWriteGroupRead(temp);
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining())
            {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try
        {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final AtomicMoveNotSupportedException e)
        {
            throw new IOException("state directory " + directory + " does not support atomic rename", e);
        }
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ))
        {
            dir.force(true);
        }
        catch (final IOException ignored)
        {
            // Some file systems refuse to open directories; the rename is still atomic there.
        }
    }

    /** Mode 0640 where POSIX permissions exist (the state directory is 0750). */
    public static void ownerWriteGroupRead(final Path file) throws IOException
    {
        try
        {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        }
        catch (final UnsupportedOperationException ignored)
        {
            // Not a POSIX file system: keep its defaults.
        }
    }
}
