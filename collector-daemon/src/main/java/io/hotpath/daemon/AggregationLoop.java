package io.hotpath.daemon;

import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.config.DaemonConfig;
import io.hotpath.daemon.expose.MetricsRenderer;
import io.hotpath.daemon.push.PushgatewayPusher;
import io.hotpath.daemon.remotewrite.RemoteWrite;
import io.hotpath.daemon.state.CheckpointCadence;
import io.hotpath.daemon.state.RestartCatchUp;
import io.hotpath.daemon.tail.PollPacer;
import io.hotpath.daemon.tail.SpoolTailers;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon's one aggregation thread. Everything mutable lives on it: tailing, decoding, recording,
 * rotating, rendering and checkpointing happen in one loop, so a checkpoint always pairs queue positions
 * with exactly the counters they produced, and no aggregation structure needs a lock. Other threads hand
 * it work through {@link #submit} (reloads), run between two batches of documents.
 *
 * <pre>
 *  loop: rotation due?  ─► refresh liveness, rotate, afterRotation (render, remote write, checkpoint, push)
 *        scan due?      ─► find new and removed queues
 *        submitted work ─► run it
 *        poll every queue (at most {@value #DOCUMENTS_PER_QUEUE_PER_PASS} documents each) ─► park ({@link PollPacer})
 * </pre>
 */
final class AggregationLoop
{
    /** Logs under the daemon's name, as before the loop had a class of its own. */
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());
    /** Documents read per queue per loop pass: bounds the time between rotation checks. */
    private static final int DOCUMENTS_PER_QUEUE_PER_PASS = 256;
    /**
     * Longest sleep of the aggregation thread while the queues are quiet or deliver little ({@link PollPacer}):
     * a poll costs a read per live queue whatever it finds; what is written meanwhile is still read before
     * the rotation (the pacer polls just before each), so /metrics is no later for a longer sleep. A second:
     * an idle daemon wakes twice a second (the poll just before the rotation, and the rotation with its scan),
     * not four times: a wake-up of the idle thread costs ~1 ms of CPU in a quiet phase of a shared host, ~6 ms in
     * a slow one (benchmarks/RESULTS.md, 2026-12-07 16:05).
     */
    private static final long MAX_IDLE_PARK_MILLIS = 1000;
    private final PollPacer pollPacer = new PollPacer(MAX_IDLE_PARK_MILLIS);
    private final DaemonConfig config;
    private final Aggregator aggregator;
    private final SpoolTailers spool;
    private final MetricsRenderer renderer;
    private final CheckpointWriter checkpoints;
    private final RestartCatchUp catchUp;
    /** Null without {@code remote-write} endpoints. */
    private final RemoteWrite remoteWrite;
    /** Null without {@code push}. */
    private final PushgatewayPusher pusher;
    /** Agent liveness feeds anomaly detection only: refreshed before each rotation when it is on. */
    private final boolean refreshLiveness;
    /** Work handed to the aggregation thread (reloads), run between two documents. */
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<CheckpointListener> checkpointListeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /**
     * When to capture (this thread only): every interval only at high rates or with remote write, else every
     * 10 s ({@link CheckpointCadence}). Documents without samples (an idle agent's AGENT_STATS heartbeat,
     * definitions) wait for a capture too: a restart from the checkpoint before reads them again, which changes
     * no count (a checkpoint is always one consistent snapshot).
     */
    private final CheckpointCadence cadence;
    /** Counted down after the first spool scan: from then on every queue present is tailed. */
    private final CountDownLatch spoolScanned = new CountDownLatch(1);
    private volatile boolean running;
    private volatile Thread thread;
    private long nextScanMillis;
    private long nextPushPrepareMillis;

    AggregationLoop(final DaemonConfig config, final Aggregator aggregator, final SpoolTailers spool, final MetricsRenderer renderer,
        final CheckpointWriter checkpoints, final RestartCatchUp catchUp, final RemoteWrite remoteWrite,
        final PushgatewayPusher pusher, final boolean refreshLiveness)
    {
        this.config = config;
        this.aggregator = aggregator;
        this.spool = spool;
        this.renderer = renderer;
        this.checkpoints = checkpoints;
        this.catchUp = catchUp;
        this.remoteWrite = remoteWrite;
        this.pusher = pusher;
        this.refreshLiveness = refreshLiveness;
        this.cadence = new CheckpointCadence(config.getState().checkpointIntervalMillis());
    }

    /** Runs {@code task} on the aggregation thread, or at once while the thread is not running (tests, before start). */
    void submit(final Runnable task)
    {
        tasks.add(task);
        if (!running)
        {
            runTasks();
        }
        else
        {
            wake(); // not after an idle park: a reload is applied at once
        }
    }

    void start()
    {
        running = true;
        thread = new Thread(this::run, "hotpathd-aggregator");
        thread.start();
    }

    /** Whether {@link #start} ran and {@link #stop} has not finished. */
    boolean started()
    {
        return thread != null;
    }

    /** Ends intake; the thread flushes the open interval, renders and writes a last checkpoint. Waits at most 30 s. */
    void stop()
    {
        running = false;
        if (thread == null)
        {
            return;
        }
        LockSupport.unpark(thread);
        try
        {
            if (!stopped.await(30, TimeUnit.SECONDS))
            {
                LOG.warning("aggregation thread did not stop within 30 s");
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** Wakes the thread from an idle park (a scrape waits for /metrics to be rendered). */
    void wake()
    {
        final Thread running = thread;
        if (running != null)
        {
            LockSupport.unpark(running);
        }
    }

    /** Forgets the stopped thread: {@link #started} is false again. */
    void stopped()
    {
        thread = null;
    }

    boolean awaitSpoolScanned(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return spoolScanned.await(timeout, unit);
    }

    private void runTasks()
    {
        Runnable task;
        while ((task = tasks.poll()) != null)
        {
            task.run();
        }
    }

    private void run()
    {
        try
        {
            while (running)
            {
                final long now = System.currentTimeMillis();
                final boolean rotating = now >= aggregator.nextRotationEpochMillis();
                if (rotating)
                {
                    if (refreshLiveness)
                    {
                        spool.refreshLiveness();
                    }
                    final boolean caughtUp = catchUp.beforeRotation(now);
                    aggregator.rotate(now);
                    afterRotation(now, false);
                    if (caughtUp)
                    {
                        catchUp.startServing(now);
                    }
                }
                // A scan that would fall due before the next rotation runs with this one: it shares the rotation's
                // wake-up rather than taking one of its own a few milliseconds later (an idle daemon's cost).
                if (now >= nextScanMillis || rotating && nextScanMillis <= aggregator.nextRotationEpochMillis())
                {
                    spool.scan(now);
                    nextScanMillis = now + config.getSpool().scanIntervalMillis();
                    if (spoolScanned.getCount() > 0)
                    {
                        spool.publishStatus(now);
                        spoolScanned.countDown();
                    }
                }
                runTasks();
                if (renderer.waiting())
                {
                    renderer.render(aggregator.latest(), now); // a scrape after an idle spell: the last rotation's snapshot
                }
                final long samplesBefore = spool.samplesTaken();
                spool.pollAll(DOCUMENTS_PER_QUEUE_PER_PASS, now);
                catchUp.update(spool.tailers(), spoolScanned.getCount() == 0);
                final long park = pollPacer.afterPoll(spool.samplesTaken() - samplesBefore, spool.morePending(),
                    System.currentTimeMillis(), aggregator.nextRotationEpochMillis(), nextScanMillis);
                if (park > 0 && running)
                {
                    LockSupport.parkNanos(park);
                }
            }
            final long now = System.currentTimeMillis();
            aggregator.flush(now);
            afterRotation(now, true);
        }
        catch (final Throwable t)
        {
            LOG.log(Level.SEVERE, "aggregation thread failed; exiting so that a supervisor restarts hotpathd from the checkpoint", t);
            Runtime.getRuntime().halt(70);
        }
        finally
        {
            stopped.countDown();
        }
    }

    /** Runs on this thread after each checkpoint capture ({@code last} at stop): state saved beside the checkpoint. */
    interface CheckpointListener
    {
        void checkpointed(long now, boolean last);
    }

    /** Before {@link #start}-ing the thread, or at any time: listeners are read each checkpoint. */
    void addCheckpointListener(final CheckpointListener listener)
    {
        checkpointListeners.add(listener);
    }

    /** After each rotation (and once more at stop, {@code last}): publish, then the periodic checkpoint and push. */
    private void afterRotation(final long now, final boolean last)
    {
        spool.publishStatus(now);
        renderer.render(aggregator.latest(), now);
        if (remoteWrite != null)
        {
            remoteWrite.afterRotation(aggregator.latest());
        }
        // remote write sends only what a checkpoint on disk holds: every interval while it is on
        if (last || cadence.due(now, spool.samplesTaken(), remoteWrite != null || checkpoints.failing()))
        {
            cadence.captured(now, spool.samplesTaken());
            checkpoints.capture(now);
            for (final CheckpointListener listener : checkpointListeners)
            {
                listener.checkpointed(now, last);
            }
        }
        if (pusher != null && catchUp.serving() && (last || now >= nextPushPrepareMillis))
        {
            pusher.offer(renderer.samplesForPush(aggregator.latest()));
            nextPushPrepareMillis = now + Math.max(1000, config.getPush().intervalMillis() / 2);
        }
    }
}
