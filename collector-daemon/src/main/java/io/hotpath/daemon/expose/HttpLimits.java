package io.hotpath.daemon.expose;

import java.lang.management.ManagementFactory;

/**
 * Limits of the HTTP server ({@code http:} in the config).
 *
 * @param maxConnections       connections held open at most (before the file-descriptor reserve, see {@link #effectiveMaxConnections})
 * @param idleTimeoutMillis    a connection with no request in progress is closed after this long
 * @param requestTimeoutMillis a request's head and body must arrive within this long of its first byte
 */
public record HttpLimits(int maxConnections, long idleTimeoutMillis, long requestTimeoutMillis)
{
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    public static final long DEFAULT_IDLE_TIMEOUT_MILLIS = 60_000;
    public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 10_000;
    /** File descriptors kept for the spool's queues, checkpoints and the JVM: at least this many, and a quarter of the limit. */
    static final int MIN_FD_RESERVE = 256;

    public static HttpLimits defaults()
    {
        return new HttpLimits(DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT_MILLIS, DEFAULT_REQUEST_TIMEOUT_MILLIS);
    }

    /**
     * {@link #maxConnections}, lowered so that connections never take the file descriptors that
     * checkpoints and queue opens need: at most the process's open-file limit minus
     * max({@value #MIN_FD_RESERVE}, limit / 4). At least 1.
     */
    public int effectiveMaxConnections(final long openFileLimit)
    {
        if (openFileLimit <= 0)
        {
            return maxConnections;
        }
        final long reserve = Math.max(MIN_FD_RESERVE, openFileLimit / 4);
        return (int)Math.max(1, Math.min(maxConnections, openFileLimit - reserve));
    }

    /** RLIMIT_NOFILE of this process (the JVM raises the soft limit to the hard one at start), or -1 if unknown. */
    public static long openFileLimit()
    {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix)
        {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }
}
