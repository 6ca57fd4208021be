package io.hotpath.daemon;

import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.aggregate.NativeHistograms;
import io.hotpath.daemon.aggregate.Series;
import io.hotpath.daemon.remotewrite.RemoteWrite;
import io.hotpath.daemon.slo.SloEngine;
import io.hotpath.daemon.state.Checkpoint;
import io.hotpath.daemon.state.CheckpointContent;
import io.hotpath.daemon.state.CheckpointPart;
import io.hotpath.daemon.state.CheckpointStore;
import io.hotpath.daemon.state.Checkpoints;
import io.hotpath.daemon.tail.QueueCheckpoint;
import io.hotpath.daemon.tail.IngestCounters;
import io.hotpath.daemon.tail.SpoolTailers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon's checkpoint: queue positions, ingest counters and the {@link CheckpointPart}s (SLO counters,
 * native histograms, remote-write sequences) captured together on the aggregation thread, so that positions
 * always pair with exactly the counters they produced; written to disk by a thread of its own, because fsync
 * can take long on busy disks. Restored once at start.
 *
 * <p>{@link #capture} runs on the aggregation thread; {@link #health} and {@link #failures} on any thread.
 */
final class CheckpointWriter implements AutoCloseable
{
    /** Logs under the daemon's name: the lines read {@code ... Daemon: cannot write the checkpoint ...}. */
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());

    private final CheckpointStore store;
    private final Aggregator aggregator;
    private final SpoolTailers spool;
    private final IngestCounters counters;
    /** Null without {@code remote-write} endpoints. */
    private final RemoteWrite remoteWrite;
    private final List<CheckpointPart> parts = new ArrayList<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r ->
    {
        final Thread thread = new Thread(r, "hotpathd-checkpoint");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<PendingCheckpoint> pending = new AtomicReference<>();
    /** Checkpoint captures or writes that failed (hotpath_daemon_checkpoint_failures_total); logged once per streak. */
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean failureLogged;
    /** The bytes of the last checkpoint written (writer thread): an unchanged capture is not written again. */
    private volatile byte[] lastWritten;
    private volatile long lastWrittenMillis;

    CheckpointWriter(final Path stateDir, final Aggregator aggregator, final SpoolTailers spool, final IngestCounters counters,
        final RemoteWrite remoteWrite)
    {
        this.store = new CheckpointStore(stateDir);
        this.aggregator = aggregator;
        this.spool = spool;
        this.counters = counters;
        this.remoteWrite = remoteWrite;
        aggregator.exposeLateSamplesAsOfCheckpoint();
    }

    /** Whether the last capture or write failed (then every interval captures again until one is written). */
    boolean failing()
    {
        return failureLogged;
    }

    /** The thread that writes checkpoint files, for state files written beside them (off the aggregation thread). */
    Executor writerThread()
    {
        return writer;
    }

    /** Adds state saved and restored with the checkpoint; before {@link #restore}. */
    void addPart(final CheckpointPart part)
    {
        parts.add(part);
    }

    /** Creates the state directory's checkpoint files as needed (permissions, stale temporaries). */
    void prepare() throws IOException
    {
        store.prepare();
    }

    /** Restores positions, counters and parts from the last checkpoint, if there is one. */
    void restore(final Path stateDir) throws IOException
    {
        final Optional<Checkpoint> read = store.read();
        if (read.isEmpty())
        {
            LOG.info("no checkpoint in " + stateDir + ": starting from the beginning of every queue");
            return;
        }
        Checkpoints.restore(read.get(), aggregator, spool, counters, parts);
    }

    /**
     * Captures the checkpoint on the aggregation thread (so positions and counters match) and hands
     * the bytes to the writer thread; if the previous file is still being written, the newer bytes
     * replace the waiting ones.
     */
    void capture(final long now)
    {
        final PendingCheckpoint next;
        try
        {
            final Checkpoint checkpoint = Checkpoints.capture(now, aggregator, spool, counters, parts);
            final Map<String, Long> positions = new HashMap<>();
            for (final QueueCheckpoint queue : checkpoint.queues)
            {
                positions.put(queue.queue, queue.lastIndex);
            }
            next = new PendingCheckpoint(store.serialize(checkpoint), positions,
                remoteWrite == null ? Map.of() : remoteWrite.lastCaptured(), LateCounts.capture(aggregator));
        }
        catch (final IOException | RuntimeException e)
        {
            failed(e);
            return;
        }
        if (pending.get() == null && CheckpointContent.sameExceptStamp(next.bytes(), lastWritten))
        {
            return; // nothing changed since the file on disk (idle): no rewrite, no fsync
        }
        if (pending.getAndSet(next) == null)
        {
            writer.execute(this::writePending);
        }
    }

    /** A captured checkpoint waiting for the writer thread, with the positions it makes durable. */
    private record PendingCheckpoint(byte[] bytes, Map<String, Long> positions, Map<String, Long> remoteWriteSeqs,
        LateCounts late)
    {
    }

    /**
     * The late-sample counts a checkpoint holds, for the series where they are ahead of what is exposed: once the
     * file is on disk they become {@code hotpath_late_samples_total} ({@link Aggregator#exposeLateSamplesAsOfCheckpoint}).
     */
    private record LateCounts(Series[] series, long[] counts)
    {
        /** On the aggregation thread, with the capture. */
        static LateCounts capture(final Aggregator aggregator)
        {
            final List<Series> all = aggregator.registry().all();
            int ahead = 0;
            for (int i = 0, n = all.size(); i < n; i++)
            {
                if (all.get(i).lateSamples() != all.get(i).lateSamplesDurable())
                {
                    ahead++;
                }
            }
            final Series[] series = new Series[ahead];
            final long[] counts = new long[ahead];
            for (int i = 0, j = 0, n = all.size(); i < n && j < ahead; i++)
            {
                final Series s = all.get(i);
                if (s.lateSamples() != s.lateSamplesDurable())
                {
                    series[j] = s;
                    counts[j++] = s.lateSamples();
                }
            }
            return new LateCounts(series, counts);
        }

        /** On the writer thread, once the checkpoint holding them is on disk. */
        void madeDurable()
        {
            for (int i = 0; i < series.length; i++)
            {
                series[i].lateSamplesDurable(counts[i]);
            }
        }
    }

    private void writePending()
    {
        final PendingCheckpoint next = pending.getAndSet(null);
        if (next == null)
        {
            return;
        }
        try
        {
            store.writeBytes(next.bytes());
            lastWritten = next.bytes();
            lastWrittenMillis = System.currentTimeMillis();
            spool.setDurablePositions(next.positions());
            next.late().madeDurable();
            if (remoteWrite != null)
            {
                remoteWrite.checkpointWritten(next.remoteWriteSeqs());
            }
            if (failureLogged)
            {
                LOG.info("checkpoints are written again");
                failureLogged = false;
            }
        }
        catch (final IOException | RuntimeException e)
        {
            failed(e);
        }
    }

    private void failed(final Exception e)
    {
        failures.incrementAndGet();
        if (!failureLogged)
        {
            LOG.log(Level.SEVERE, "cannot write the checkpoint to " + store.file() +
                "; a restart would re-count what was read since the last good one", e);
            failureLogged = true;
        }
    }

    /** Captures or writes that failed. */
    long failures()
    {
        return failures.get();
    }

    /** The {@code checkpoint} section of /health. */
    Map<String, Object> health()
    {
        final Map<String, Object> health = new LinkedHashMap<>();
        health.put("file", store.file().toString());
        health.put("lastWrittenEpochMillis", lastWrittenMillis);
        health.put("failures", failures.get());
        health.put("failing", failureLogged);
        return health;
    }

    /** Writes what is still pending (the last capture) and stops the writer thread; waits at most 30 s. */
    @Override
    public void close()
    {
        writer.shutdown();
        try
        {
            if (!writer.awaitTermination(30, TimeUnit.SECONDS))
            {
                LOG.warning("the last checkpoint was not written within 30 s");
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** SLO counters go into the daemon's checkpoint, with the positions they counted up to. */
    static CheckpointPart sloPart(final Supplier<SloEngine> slos)
    {
        return CheckpointPart.of("slo", () -> slos.get().captureState(), saved -> slos.get().restoreState(saved));
    }

    /** The series' open intervals (the close grace: samples already read, not yet seen by the listeners). */
    static CheckpointPart openIntervalsPart(final Aggregator aggregator)
    {
        return CheckpointPart.of("open-intervals", aggregator::captureOpenIntervals, aggregator::restoreOpenIntervals);
    }

    /** Native histograms go into the checkpoint too: they never decrease across restarts, like the classic buckets. */
    static CheckpointPart nativeHistogramPart(final NativeHistograms natives)
    {
        return CheckpointPart.of("native-histograms", natives::capture, natives::restore);
    }
}
