package io.hotpath.daemon.tail;

import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.aggregate.Series;
import io.hotpath.daemon.aggregate.SeriesKey;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.nio.file.DirectoryIteratorException;
import java.util.HashSet;
import java.util.Set;

/**
 * All queues of the spool directory: discovers new ones on each {@link #scan}, polls the active
 * ones round-robin, notices finished ones (per-queue upkeep when due, {@link UpkeepSchedule}) and
 * applies retention ({@link SpoolRetention}, every {@value #RETENTION_INTERVAL_MILLIS} ms). Publishes
 * an immutable {@link QueueStatus} list for readers at each {@link #publishStatus}.
 *
 * <p>Not thread-safe: owned by the aggregation thread, except {@link #statuses()}.
 */
public final class SpoolTailers implements AutoCloseable
{
    private static final Logger LOG = Logger.getLogger(SpoolTailers.class.getName());

    private final Path spoolDirectory;
    private final Aggregator aggregator;
    private final IngestCounters counters;
    private final SpoolRetention retention;
    private final Map<String, QueueTailer> tailers = new LinkedHashMap<>();
    /** {@link #tailers} in polling order (rebuilt when queues come or go) and where the next pass starts. */
    private QueueTailer[] order = new QueueTailer[0];
    private int nextInOrder;
    private static final long PASS_BUDGET_NANOS = 20_000_000L;
    /**
     * Retention walks every queue's files: at the first scan, then this often (its caps are minutes to
     * days; the directory listing for new queues stays at every scan).
     */
    static final long RETENTION_INTERVAL_MILLIS = 10_000;
    private long nextRetentionMillis = Long.MIN_VALUE;
    private volatile List<QueueStatus> statuses = List.of();
    /** Each queue's position in the last checkpoint known to be on disk (set by the checkpoint writer). */
    private volatile Map<String, Long> durablePositions = Map.of();
    private boolean spoolMissingLogged;
    private long samplesTaken;
    private boolean morePending;
    /** Services that had queues and have no live JVM now; sticky until a live queue of theirs appears. */
    private final Set<String> goneServices = new HashSet<>();
    private final Set<String> liveScratch = new HashSet<>();

    public SpoolTailers(final Path spoolDirectory, final Aggregator aggregator, final IngestCounters counters, final SpoolRetention retention)
    {
        this.spoolDirectory = spoolDirectory;
        this.aggregator = aggregator;
        this.counters = counters;
        this.retention = retention;
    }

    /**
     * Positions of the last checkpoint written to disk, by queue: retention deletes a live queue's
     * cycle files only before these, never data a restart could still need. Any thread.
     */
    public void setDurablePositions(final Map<String, Long> positions)
    {
        durablePositions = Map.copyOf(positions);
    }

    public IngestCounters counters()
    {
        return counters;
    }

    /** Re-creates tailers from checkpointed queue states; {@code seriesByKey} resolves checkpointed series keys. */
    public void restore(final Collection<QueueCheckpoint> queues, final Function<String, SeriesKey> seriesByKey)
    {
        for (final QueueCheckpoint state : queues)
        {
            final QueueTailer tailer = new QueueTailer(spoolDirectory.resolve(state.queue), state, aggregator, counters);
            for (final Map.Entry<Integer, String> entry : state.seriesIds.entrySet())
            {
                final SeriesKey key = seriesByKey.apply(entry.getValue());
                if (key != null)
                {
                    final Series series = aggregator.registry().restore(key);
                    tailer.restoreSeriesId(entry.getKey(), series);
                }
            }
            tailers.put(state.queue, tailer);
        }
    }

    /** Discovers new queue directories, finishes queues whose agent is gone, applies retention. */
    public void scan(final long nowEpochMillis)
    {
        if (!Files.isDirectory(spoolDirectory))
        {
            if (!spoolMissingLogged)
            {
                LOG.warning("spool directory " + spoolDirectory + " does not exist (yet); waiting for agents to create it");
                spoolMissingLogged = true;
            }
        }
        else
        {
            spoolMissingLogged = false;
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(spoolDirectory))
            {
                for (final Path entry : entries)
                {
                    final String name = entry.getFileName().toString();
                    if (tailers.containsKey(name) || !Files.isDirectory(entry) || QueueName.parse(name) == null)
                    {
                        continue;
                    }
                    final IOException unreadable = unreadable(entry);
                    if (unreadable == null && !hasQueueFiles(entry))
                    {
                        continue;
                    }
                    final QueueCheckpoint state = new QueueCheckpoint();
                    state.queue = name;
                    final QueueTailer tailer = new QueueTailer(entry, state, aggregator, counters);
                    tailers.put(name, tailer);
                    if (unreadable != null)
                    {
                        // Today's agent and daemon users must share a group (SPOOL.md): say so rather than skip it.
                        tailer.quarantineUnreadable(unreadable);
                    }
                    else
                    {
                        LOG.info("tailing new queue " + entry);
                    }
                }
            }
            catch (final IOException | DirectoryIteratorException e)
            {
                LOG.log(Level.WARNING, "cannot list spool directory " + spoolDirectory, e);
            }
        }
        for (final QueueTailer tailer : tailers.values())
        {
            tailer.retryIfDue(nowEpochMillis);
            tailer.upkeep(nowEpochMillis);
        }
        if (retention != null && (nowEpochMillis >= nextRetentionMillis || nowEpochMillis < nextRetentionMillis - RETENTION_INTERVAL_MILLIS))
        {
            nextRetentionMillis = nowEpochMillis + RETENTION_INTERVAL_MILLIS;
            try
            {
                for (final String deleted : retention.apply(spoolDirectory, tailers.values(), nowEpochMillis, durablePositions))
                {
                    tailers.remove(deleted);
                }
            }
            catch (final RuntimeException e)
            {
                // A file vanishing or turning unreadable mid-walk: retention waits for the next scan.
                LOG.log(Level.FINE, "retention skipped this scan", e);
            }
        }
        // Forget queues whose directory is gone (deleted by retention or by hand).
        tailers.values().removeIf(t -> !t.isActive() && !Files.isDirectory(t.directory()));
        order = tailers.values().toArray(new QueueTailer[0]);
        nextInOrder = order.length == 0 ? 0 : nextInOrder % order.length;
    }

    /** The error listing {@code directory} gives (permission denied), or null when it can be listed. */
    private static IOException unreadable(final Path directory)
    {
        try
        {
            Files.newDirectoryStream(directory).close(); // opening is what fails on an unreadable directory
            return null;
        }
        catch (final IOException e)
        {
            return e;
        }
    }

    private static boolean hasQueueFiles(final Path directory)
    {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.cq4"))
        {
            return files.iterator().hasNext();
        }
        catch (final IOException e)
        {
            return false;
        }
    }

    /**
     * Polls every active queue once, at most {@code maxDocumentsPerQueue} documents each, so one busy
     * queue cannot starve the others or delay a rotation.
     *
     * @return documents read in all.
     */
    public int pollAll(final int maxDocumentsPerQueue, final long nowEpochMillis)
    {
        if (order.length != tailers.size())
        {
            order = tailers.values().toArray(new QueueTailer[0]);
            nextInOrder = 0;
        }
        // Catching up on a backlog (a start, many queues) is CPU work: a pass ends after its time budget so
        // that the loop checks for a due rotation; the next pass starts with the queue this one did not reach.
        final long deadline = System.nanoTime() + PASS_BUDGET_NANOS;
        int documents = 0;
        morePending = false;
        for (int i = 0; i < order.length; i++)
        {
            final QueueTailer tailer = order[nextInOrder];
            nextInOrder = nextInOrder + 1 == order.length ? 0 : nextInOrder + 1;
            final QueueCheckpoint state = tailer.state();
            final long before = state.samplesCounted + state.samplesLost + state.bytesSkipped;
            final int read = tailer.poll(maxDocumentsPerQueue, nowEpochMillis);
            if (read > 0)
            {
                samplesTaken += state.samplesCounted + state.samplesLost + state.bytesSkipped - before;
                documents += read;
                morePending |= read >= maxDocumentsPerQueue;
            }
            if (documents > 0 && System.nanoTime() - deadline > 0)
            {
                morePending = true;
                break;
            }
        }
        return documents;
    }

    /**
     * Whether the last {@link #pollAll} stopped with more to read: a queue gave its maximum of documents,
     * or the pass ran out of its time budget before reaching every queue. Aggregation thread.
     */
    public boolean morePending()
    {
        return morePending;
    }

    /**
     * Samples counted or counted as lost, and damaged bytes stepped over, by {@link #pollAll} since the
     * start: moves with the documents that carry samples, not with an idle agent's definitions and
     * AGENT_STATS heartbeats. Aggregation thread.
     */
    public long samplesTaken()
    {
        return samplesTaken;
    }

    /** Checkpoint states of every known queue (copied by the caller's serializer on this thread). */
    public List<QueueCheckpoint> states()
    {
        final List<QueueCheckpoint> states = new ArrayList<>(tailers.size());
        for (final QueueTailer tailer : tailers.values())
        {
            states.add(tailer.state());
        }
        return states;
    }

    /**
     * Re-reads which services still have a live JVM (see {@link QueueTailer#agentGone()}); the
     * aggregation thread calls it before each rotation, so that the interval in which a JVM exits
     * is already judged knowing it exited.
     */
    public void refreshLiveness()
    {
        liveScratch.clear();
        for (final QueueTailer tailer : tailers.values())
        {
            final String service = tailer.state().service;
            if (service != null && !tailer.agentGone())
            {
                liveScratch.add(service);
            }
        }
        for (final QueueTailer tailer : tailers.values())
        {
            final String service = tailer.state().service;
            if (service != null && !liveScratch.contains(service))
            {
                goneServices.add(service);
            }
        }
        goneServices.removeAll(liveScratch);
    }

    /**
     * True when every JVM known to have written {@code service} has exited, as of the last
     * {@link #refreshLiveness}; false for a service with a live JVM or never seen. Aggregation thread.
     */
    public boolean serviceGone(final String service)
    {
        return goneServices.contains(service);
    }

    public Collection<QueueTailer> tailers()
    {
        return Collections.unmodifiableCollection(tailers.values());
    }

    public void publishStatus(final long nowEpochMillis)
    {
        final List<QueueStatus> list = new ArrayList<>(tailers.size());
        for (final QueueTailer tailer : tailers.values())
        {
            final QueueCheckpoint state = tailer.state();
            list.add(new QueueStatus(
                state.queue, state.service, state.pid, tailer.isActive(), state.finished, tailer.problem(),
                state.documentsRead, state.recordsRead, tailer.lagSeconds(nowEpochMillis), tailer.caughtUp(),
                tailer.agentStats(), tailer.stateName(), tailer.problemDetail(), new SampleAccount(state.samplesCounted,
                state.samplesLost, state.bytesSkipped, state.documentsSkipped, state.statsSamplesWritten, state.statsSamplesCounted,
                state.statsSamplesLost)));
        }
        statuses = List.copyOf(list);
    }

    /** The queues as of the last {@link #publishStatus}; safe from any thread. */
    public List<QueueStatus> statuses()
    {
        return statuses;
    }

    @Override
    public void close()
    {
        for (final QueueTailer tailer : tailers.values())
        {
            tailer.close();
        }
    }

    /** What readers see of one queue. */
    public record QueueStatus(
        String queue, String service, long pid, boolean active, boolean finished, String problem, long documentsRead,
        long recordsRead, double lagSeconds, boolean caughtUp, QueueTailer.AgentStatsSnapshot agentStats, String state,
        String problemDetail, SampleAccount samples)
    {
    }

    /**
     * One queue's samples: counted, known lost, damaged bytes and document headers stepped over;
     * and, at its last AGENT_STATS record, the agent's samples written beside counted and lost up to it.
     */
    public record SampleAccount(
        long counted, long lost, long bytesSkipped, long documentsSkipped, long writtenAtStats, long countedAtStats, long lostAtStats)
    {
        /** Samples the agent wrote that are neither counted nor counted as lost (as of its last stats); 0 before any. */
        public long unexplainedAtStats()
        {
            return writtenAtStats < 0 ? 0 : writtenAtStats - countedAtStats - lostAtStats;
        }
    }
}
