package io.hotpath.daemon;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on {@code state.dir/hotpathd.lock} for the daemon's lifetime: two daemons
 * sharing a state directory would read the same queues and count everything twice. The operating
 * system releases the lock when the process dies, {@code kill -9} included.
 */
final class StateLock implements AutoCloseable
{
    static final String FILE_NAME = "hotpathd.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private StateLock(final FileChannel channel, final FileLock lock)
    {
        this.channel = channel;
        this.lock = lock;
    }

    static StateLock acquire(final Path stateDirectory) throws IOException
    {
        final Path file = stateDirectory.resolve(FILE_NAME);
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = null;
        try
        {
            lock = channel.tryLock();
        }
        catch (final OverlappingFileLockException e)
        {
            lock = null;
        }
        if (lock == null)
        {
            channel.close();
            throw new IOException("another hotpathd is using the state directory " + stateDirectory + " (" + file +
                " is locked); two daemons on one spool would count every sample twice");
        }
        return new StateLock(channel, lock);
    }

    @Override
    public void close()
    {
        try
        {
            lock.release();
            channel.close();
        }
        catch (final IOException ignored)
        {
            // Released with the process anyway.
        }
    }
}
