package io.hotpath.daemon;

import java.util.logging.LogManager;

/**
 * java.util.logging's manager resets (closes every handler) from its own shutdown hook, racing the
 * daemon's: the "flushed, checkpointed, stopped" lines of a SIGTERM shutdown would be lost. This
 * manager defers that reset until the daemon's shutdown is done ({@link #resetAfterShutdown}).
 * Installed by {@link Hotpathd} through {@code java.util.logging.manager}.
 */
public final class DaemonLogManager extends LogManager
{
    private volatile boolean daemonDone;

    @Override
    public void reset()
    {
        if (daemonDone || !shuttingDown())
        {
            super.reset();
        }
    }

    static void resetAfterShutdown()
    {
        final LogManager manager = LogManager.getLogManager();
        if (manager instanceof DaemonLogManager)
        {
            ((DaemonLogManager)manager).daemonDone = true;
            manager.reset();
        }
    }

    private static boolean shuttingDown()
    {
        try
        {
            final Thread probe = new Thread(() -> { });
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        }
        catch (final IllegalStateException e)
        {
            return true;
        }
    }
}
