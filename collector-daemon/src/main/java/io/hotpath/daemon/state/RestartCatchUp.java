package io.hotpath.daemon.state;

import io.hotpath.daemon.tail.QueueTailer;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * Holds back the counters after a start until they include everything a previous process may
 * have served, so that no {@code *_total} a scraper has seen ever goes down.
 *
 * <h2>Why</h2>
 * The checkpoint is written asynchronously after a rotation and a {@code kill -9} can land between
 * a rotation being served and its checkpoint reaching the disk (or the fsync can lag several
 * rotations on a busy disk). The restored counters can then be lower than the last ones served,
 * and serving them right away reads as a counter reset. The documents between the checkpoint and
 * what was served are still in the queues: once every queue has been read to the end it had when
 * this process found it, the counters are at least the served ones.
 *
 * <h2>Rule</h2>
 * After the first spool scan every queue known is pending; a queue stops pending the first time its
 * tailer finds nothing more to read, or when it is not active (finished, refused, failed: it cannot
 * advance, so waiting would not raise its counters). The first rotation that starts after no queue
 * is pending is the first one served ({@link #serving()}); until then {@code /metrics} answers 503
 * and nothing is pushed. A start without a checkpoint behaves the same (the spool may hold data a
 * previous process served before its checkpoint was deleted).
 *
 * <p>A backlog that still is not read after {@link #MAX_WAIT_MILLIS} is served anyway, with a
 * warning naming the queues: monitoring must not stay dark because one agent writes faster than
 * hotpathd reads.
 *
 * <p>{@link #update} and {@link #beforeRotation} run on the aggregation thread; {@link #serving()} and
 * {@link #pendingQueues()} on any thread.
 */
public final class RestartCatchUp
{
    private static final Logger LOG = Logger.getLogger(RestartCatchUp.class.getName());
    /** The longest /metrics stays 503 after a start while a backlog is read. */
    public static final long MAX_WAIT_MILLIS = 300_000;

    private final long startedAtMillis;
    private Set<String> pending;
    private volatile List<String> pendingView = List.of();
    private volatile boolean serving;

    public RestartCatchUp(final long startedAtMillis)
    {
        this.startedAtMillis = startedAtMillis;
    }

    /**
     * Marks queues that reached their end; {@code scanned} once the aggregation thread has scanned
     * the spool (every queue present is known from then on). Cheap, and a no-op once serving.
     */
    public void update(final Collection<QueueTailer> tailers, final boolean scanned)
    {
        if (serving || !scanned)
        {
            return;
        }
        if (pending == null)
        {
            pending = new TreeSet<>();
            for (final QueueTailer tailer : tailers)
            {
                pending.add(tailer.name());
            }
        }
        if (pending.isEmpty())
        {
            return;
        }
        // Queues the spool forgot (deleted) cannot be waited for: only those still known stay pending.
        final Set<String> stillPending = new TreeSet<>();
        for (final QueueTailer tailer : tailers)
        {
            if (pending.contains(tailer.name()) && !tailer.caughtUp() && tailer.isActive())
            {
                stillPending.add(tailer.name());
            }
        }
        pending = stillPending;
        pendingView = List.copyOf(pending);
    }

    /**
     * Called just before a rotation: true when that rotation's snapshot includes everything a
     * previous process can have served, so it may be served once rendered ({@link #startServing}).
     */
    public boolean beforeRotation(final long nowEpochMillis)
    {
        if (serving)
        {
            return true;
        }
        if (pending != null && pending.isEmpty())
        {
            return true;
        }
        if (nowEpochMillis - startedAtMillis >= MAX_WAIT_MILLIS)
        {
            LOG.warning("still reading the backlog of " + pendingView + " " + MAX_WAIT_MILLIS / 1000 + " s after the start; " +
                "serving /metrics anyway: a counter served before the restart may read lower until they are read");
            return true;
        }
        return false;
    }

    /** The rotation approved by {@link #beforeRotation} is rendered: serve from now on. */
    public void startServing(final long nowEpochMillis)
    {
        if (!serving)
        {
            serving = true;
            pendingView = List.of();
            LOG.info("caught up with the spool " + (nowEpochMillis - startedAtMillis) + " ms after the start: serving /metrics");
        }
    }

    /** Whether counters may be served (and pushed). Any thread. */
    public boolean serving()
    {
        return serving;
    }

    /** Queues still being read to their end before counters are served; any thread. */
    public List<String> pendingQueues()
    {
        return pendingView;
    }
}
