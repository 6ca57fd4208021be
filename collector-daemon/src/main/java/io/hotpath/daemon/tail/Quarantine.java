package io.hotpath.daemon.tail;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.io.FileNotFoundException;
import java.util.HashSet;
import java.util.Set;

/**
 * One queue that cannot be read right now (permission, I/O error, anything unexpected): the reason
 * is kept for /health and {@code hotpath_daemon_queues{state="quarantined",reason}}, logged once per
 * reason, counted in {@code hotpath_daemon_queue_faults_total{reason}}, and the queue is retried
 * only once its files changed (names, sizes, modification times, owner and mode of the directory
 * and its files), with a back-off that doubles from 1 s up to 60 s between checks.
 *
 * <p>Not thread-safe: owned by the aggregation thread.
 */
final class Quarantine
{
    private static final Logger LOG = Logger.getLogger(Quarantine.class.getName());
    static final long FIRST_BACKOFF_MILLIS = 1_000;
    static final long MAX_BACKOFF_MILLIS = 60_000;

    public static final String PERMISSION = "permission";
    public static final String MISSING_FILE = "missing_file";
    public static final String IO_ERROR = "io_error";
    public static final String MAPPED_FILE_FAULT = "mapped_file_fault";
    public static final String INTERNAL_ERROR = "internal_error";

    private final Path directory;
    private final IngestCounters counters;
    private final Set<String> loggedReasons = new HashSet<>();
    private String reason;
    private String lastReason;
    private String detail;
    private long fingerprint;
    private long backoffMillis = FIRST_BACKOFF_MILLIS;
    private long nextCheckMillis;

    Quarantine(final Path directory, final IngestCounters counters)
    {
        this.directory = directory;
        this.counters = counters;
    }

    boolean active()
    {
        return reason != null;
    }

    /** Why the queue is quarantined, or null. */
    String reason()
    {
        return reason;
    }

    String detail()
    {
        return detail;
    }

    void enter(final Throwable cause, final String what)
    {
        final String newReason = reasonOf(cause);
        detail = what + ": " + cause;
        if (!newReason.equals(lastReason))
        {
            // Counted once per reason in a row: a retry that fails the same way is the same fault.
            counters.fault(newReason);
        }
        lastReason = newReason;
        if (loggedReasons.add(newReason))
        {
            LOG.log(Level.SEVERE, "queue " + directory + " quarantined (" + newReason + "): " + what + "; the daemon serves " +
                "the other queues and retries this one, from its last counted document, when its files change " +
                "(logged once per reason)", cause);
        }
        reason = newReason;
        fingerprint = fingerprint(directory);
        final long now = System.currentTimeMillis();
        nextCheckMillis = now + backoffMillis;
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
    }

    /** Leaves the quarantine when the back-off has passed and the files changed since it began. */
    void retryIfDue(final long nowEpochMillis)
    {
        if (reason == null || nowEpochMillis < nextCheckMillis)
        {
            return;
        }
        final long now = fingerprint(directory);
        if (now == fingerprint)
        {
            nextCheckMillis = nowEpochMillis + backoffMillis;
            backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
            return;
        }
        LOG.info("queue " + directory + ": files changed, retrying it (was quarantined: " + reason + ")");
        reason = null;
        detail = null;
    }

    /** After a good read the back-off starts small again. */
    void healthy()
    {
        backoffMillis = FIRST_BACKOFF_MILLIS;
        lastReason = null;
    }

    static String reasonOf(final Throwable cause)
    {
        for (Throwable t = cause; t != null; t = t.getCause())
        {
            if (t instanceof AccessDeniedException ||
                (t instanceof FileSystemException && String.valueOf(t.getMessage()).contains("Permission denied")))
            {
                return PERMISSION;
            }
            if (t instanceof NoSuchFileException || t instanceof FileNotFoundException)
            {
                return MISSING_FILE;
            }
            if (t instanceof InternalError)
            {
                return MAPPED_FILE_FAULT;
            }
            if (t instanceof IOException)
            {
                return IO_ERROR;
            }
        }
        return INTERNAL_ERROR;
    }

    /** Names, sizes, times, owners and modes of the directory and its files; 0 when nothing can be read. */
    static long fingerprint(final Path directory)
    {
        long hash = 17;
        hash = hash * 31 + attributes(directory);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory))
        {
            for (final Path entry : entries)
            {
                hash += entry.getFileName().toString().hashCode() * 1_000_003L + attributes(entry);
            }
        }
        catch (final IOException | RuntimeException e)
        {
            hash = hash * 31 + e.getClass().getName().hashCode();
        }
        return hash;
    }

    private static long attributes(final Path path)
    {
        try
        {
            final PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class);
            return attributes.size() * 31 + attributes.lastModifiedTime().toMillis() * 17 + attributes.permissions().hashCode() * 7L +
                attributes.owner().hashCode() * 3L + attributes.group().hashCode();
        }
        catch (final IOException | RuntimeException e)
        {
            try
            {
                final BasicFileAttributes basic = Files.readAttributes(path, BasicFileAttributes.class);
                return basic.size() * 31 + basic.lastModifiedTime().toMillis();
            }
            catch (final IOException | RuntimeException again)
            {
                return again.getClass().getName().hashCode();
            }
        }
    }
}
