package io.hotpath.agent.spool;

import io.hotpath.agent.AgentLog;
import io.hotpath.agent.record.ErrorTypeRegistry;
import io.hotpath.agent.record.RingRecorder;
import io.hotpath.agent.record.RingSampleDescriptor;
import io.hotpath.agent.record.SeriesRegistry;
import io.hotpath.wire.AgentStatsDescriptor;
import io.hotpath.wire.AgentStatsEncoder;
import io.hotpath.wire.QueueHeaderEncoder;
import io.hotpath.wire.SampleBatchDescriptor;
import io.hotpath.wire.SampleDescriptor;
import io.hotpath.wire.SpoolLayoutDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import io.hotpath.agent.record.StripedRing;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.io.IOException;

/**
 * The drain thread: the ring's single consumer and the queue's single writer.
 *
 * <p>When {@link DrainPacer} says a write is due, it reads up to a batch of samples from the ring straight
 * into one queue document ({@link SampleDocument}: SAMPLE_BATCH records, each id's SERIES_DEFINITION /
 * ERROR_TYPE_DEFINITION before its first use, end {@code nanoTime}s converted to epoch nanos with a
 * calibrated offset, so application threads never read the wall clock); other wake-ups only look at the
 * ring's fill level. Every stats interval it writes an AGENT_STATS record, at the end of the next
 * document of samples when there is one (no document of its own), and enforces the spool size cap.
 *
 * <p>Opening Chronicle (hundreds of milliseconds of class loading) happens on this thread, not
 * on the application's main thread; samples recorded meanwhile wait in the ring. On shutdown
 * ({@link #shutdown}) it drains what is left, writes final stats, closes the queue and creates the
 * {@code hotpath.closed} marker. If Chronicle fails, {@code onFailure} is told once and the thread ends.
 *
 * <p>Over 400 lines because one thread's loop owns the pacing, the writing and the stats record; they share its
 * clock readings and its failure handling.
 */
public final class SpoolDrainer implements Runnable
{
    /** Offset recalibration period: bounds drift between nanoTime and the wall clock. */
    private static final long RECALIBRATE_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Shortest sleep between reads that did not fill a batch ({@link DrainPacer}). */
    private static final long MIN_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /**
     * How long a shutdown waits for a drain that is still opening the queue with nothing recorded: it stops at
     * the warm-up's next document, but not inside Chronicle's class loading.
     */
    static final long UNUSED_SHUTDOWN_MILLIS = 100;
    /** Of the stats intervals of an idle agent, every this-many-th writes its (unchanged) stats. */
    private static final int IDLE_STATS_EVERY = 10;

    private final RingRecorder recorder;
    private final StripedRing ring;
    private final SeriesRegistry series;
    private final ErrorTypeRegistry errorTypes;
    private final SpoolSettings settings;
    private final Consumer<Throwable> onFailure;
    private final Thread thread;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile Path queueDirectory;

    private final int maxBatch;
    /** Ring reads, encoded straight into queue documents. */
    private final SampleDocument document;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[AgentStatsDescriptor.RECORD_LENGTH + 4096]);
    /** AGENT_STATS at the end of a document of samples. */
    private final SampleDocument.Trailer statsTrailer = new StatsTrailer();

    private SpoolWriter writer;
    private Runnable beforeOpen;
    private long epochOffsetNanos;
    private long lastCalibrationNanos;
    private long drained;
    private long cycleNowNanos;
    private long maxLagNanos;
    private long writtenDocuments;
    private final DrainPacer pacer;
    private long lastStatsFingerprint = Long.MIN_VALUE;
    private long statsIntervalNanos;
    private long nextStatsNanos;
    private int unchangedStats;

    public SpoolDrainer(final RingRecorder recorder, final SpoolSettings settings, final Consumer<Throwable> onFailure)
    {
        this.recorder = recorder;
        this.ring = recorder.ring();
        this.series = recorder.seriesRegistry();
        this.errorTypes = recorder.errorTypes();
        this.settings = settings;
        this.onFailure = onFailure;
        // One ring read may be all traced or all untraced samples: both batches hold a whole read.
        // One ring read goes into one document: at most one batch record's worth of samples.
        this.maxBatch = Math.max(1, Math.min(settings.maxBatchSamples(), SampleBatchDescriptor.maxEntries(SampleDescriptor.TRACED_LENGTH)));
        this.document = new SampleDocument(recorder);
        // a full batch of the smallest records is worth a document of its own
        this.pacer = new DrainPacer(MIN_PARK_NANOS, settings.idleNanos(), settings.maxHoldNanos(), ring.stripeCapacity(),
            RingSampleDescriptor.RECORD_LENGTH, (long)maxBatch * RingSampleDescriptor.COMPACT_RECORD_LENGTH);
        this.thread = new Thread(this, "hotpath-drain");
        thread.setDaemon(true);
        thread.setContextClassLoader(SpoolDrainer.class.getClassLoader());
    }

    /** {@code task} runs on the drain thread right before the queue opens (before Chronicle loads); call before {@link #start}. */
    public void beforeOpen(final Runnable task)
    {
        this.beforeOpen = task;
    }

    public void start()
    {
        thread.start();
    }

    /** The queue directory once the spool is open, else {@code null}. */
    public Path queueDirectory()
    {
        return queueDirectory;
    }

    /**
     * Drains what is left, closes the queue and writes the closed marker; waits at most {@code timeoutMillis},
     * or {@link #UNUSED_SHUTDOWN_MILLIS} while the queue is still being opened and nothing was recorded: a
     * short-lived JVM does not wait for Chronicle to load only to create an empty queue.
     */
    public void shutdown(final long timeoutMillis)
    {
        stopping = true;
        LockSupport.unpark(thread);
        final boolean unused = queueDirectory == null && nothingRecorded();
        try
        {
            if (!finished.await(unused ? Math.min(timeoutMillis, UNUSED_SHUTDOWN_MILLIS) : timeoutMillis, TimeUnit.MILLISECONDS) && !unused)
            {
                AgentLog.warn("the drain thread did not finish within " + timeoutMillis + " ms; samples still in the ring are lost");
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run()
    {
        try
        {
            if (!awaitFirstUse() || !open())
            {
                return;
            }
            statsIntervalNanos = settings.statsIntervalNanos();
            nextStatsNanos = System.nanoTime() + statsIntervalNanos;
            while (!stopping)
            {
                wakeUpAndPark();
            }
            while (drainOnce() > 0)
            {
                // drain what application threads recorded up to shutdown
            }
            writeStats(System.nanoTime());
            writer.close();
            AgentLog.debug("drained " + drained + " samples in " + writtenDocuments + " documents to " + queueDirectory);
        }
        catch (final Throwable t)
        {
            try
            {
                onFailure.accept(t instanceof CycleFileGuard.SpoolFault ? lostQueue(t) : t);
            }
            finally
            {
                if (writer != null)
                {
                    try
                    {
                        // never Chronicle's close: after a failure the mapping may be what failed
                        writer.abandon();
                    }
                    catch (final Throwable ignore)
                    {
                        // already failing
                    }
                }
            }
        }
        finally
        {
            finished.countDown();
        }
    }

    /**
     * One wake-up, and the sleep after it. A method of its own, not the body of {@link #run}'s loop:
     * HotSpot compiles a method after a few hundred calls, but a loop running in an interpreted frame
     * only after tens of thousands of turns (on-stack replacement), which at a dozen wake-ups a second
     * is hours of wake-ups interpreted, each one's code cold after the sleep (perf: a fifth to a third of
     * the drain's CPU at 1 000 samples/s in the interpreter; RESULTS.md).
     */
    private void wakeUpAndPark() throws IOException
    {
        final long park = wakeUp();
        if (park > 0 && !stopping)
        {
            LockSupport.parkNanos(park);
        }
    }

    /**
     * Writes what waits when {@link DrainPacer} says so, and the stats record when due.
     *
     * @return nanos to park before the next wake-up
     */
    private long wakeUp() throws IOException
    {
        final long now = System.nanoTime();
        final int waiting = ring.size();
        final int fullest = ring.fullestSize();
        if (pacer.writeDue(now, waiting, fullest, epochOffsetNanos))
        {
            // stats due within half an interval ride along (one document a second at low rates, not
            // two); on the same schedule, so one record per interval on average
            final boolean stats = now - nextStatsNanos + statsIntervalNanos / 2 >= 0;
            final int count = drainOnce(now, stats);
            if (stats)
            {
                afterStats(now);
                nextStatsNanos = Math.max(nextStatsNanos + statsIntervalNanos, now + statsIntervalNanos / 2);
            }
            return pacer.afterWake(now, true, document.bytesRead(), count >= maxBatch, ring.size(), ring.fullestSize(), epochOffsetNanos);
        }
        if (now - nextStatsNanos >= 0)
        {
            if (!statsUnchanged())
            {
                writeStats(now);
            }
            afterStats(now);
            nextStatsNanos = now + statsIntervalNanos;
        }
        return pacer.afterWake(now, false, 0, false, waiting, fullest, epochOffsetNanos);
    }

    /**
     * The queue is given up (see {@link CycleFileGuard}): what the agent knows of the loss, for the
     * one error line; samples still in the ring and recorded later are lost with recording stopped.
     */
    private Throwable lostQueue(final Throwable fault)
    {
        return new CycleFileGuard.SpoolFault("queue " + queueDirectory + " abandoned after " + drained + " samples in " +
            writtenDocuments + " documents (hotpathd counts what it cannot read back); " + ring.size() +
            " bytes of samples left in the ring are dropped: " + fault.getMessage(), fault.getCause());
    }

    /**
     * Opening Chronicle costs hundreds of milliseconds of class loading and CPU, and the write-path
     * warm-up runs Chronicle's code thousands of times. By default ({@link SpoolSettings#openDelayNanos} 0)
     * that happens at once, while the application starts. Done at the application's first instrumented
     * call, in the middle of its own warm-up, it ran through JDK methods the application was profiling then
     * (the stream pipeline), C2 compiled the application's code with those call sites polymorphic, and the
     * JDK {@code HttpClient} load lost ~1.5 % more throughput (RESULTS.md, issue 17). With a delay it waits
     * until there is something to write (a sample, or the delay passed), and a short-lived JVM that never
     * made an instrumented call creates no queue; with none, such a JVM stops the opening at its next step
     * ({@link #open}, {@link #shutdown}).
     *
     * @return false when the JVM shuts down before anything was recorded: no queue is created.
     */
    private boolean awaitFirstUse()
    {
        final long deadline = System.nanoTime() + settings.openDelayNanos();
        while (nothingRecorded())
        {
            if (stopping)
            {
                AgentLog.debug("nothing was recorded; no queue created");
                return false;
            }
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                break;
            }
            LockSupport.parkNanos(Math.min(left, settings.idleNanos()));
        }
        return true;
    }

    private boolean nothingRecorded()
    {
        return ring.size() == 0 && recorder.dropped() == 0 && recorder.adviceErrors() == 0;
    }

    /** A JVM that ends while the drain is still warming up, with nothing recorded, creates no queue. */
    private boolean stoppedBeforeUse()
    {
        if (stopping && nothingRecorded())
        {
            AgentLog.debug("stopped while opening, nothing recorded; no queue created");
            return true;
        }
        return false;
    }

    /** @return false when the JVM shuts down, with nothing recorded, before the queue is created. */
    private boolean open() throws IOException
    {
        if (beforeOpen != null)
        {
            beforeOpen.run();
        }
        calibrate();
        CycleFileGuard.warmUpCompareAndSwap(() -> stopping);
        SampleDocument.warmUpRead();
        if (stoppedBeforeUse())
        {
            return false;
        }
        final long warmUpStart = System.nanoTime();
        final int warmUpDocuments = WritePathWarmUp.run(null, WritePathWarmUp.DOCUMENTS, () -> stopping);
        AgentLog.debug("write-path warm-up: " + warmUpDocuments + " documents in " + (System.nanoTime() - warmUpStart) / 1_000_000 + " ms");
        if (stoppedBeforeUse())
        {
            return false;
        }
        final SpoolSettings.Identity identity = settings.identity();
        final Path directory = SpoolDirectory.prepare(settings.spoolDirectory(),
            SpoolDirectory.queueName(identity.serviceName(), identity.pid(), identity.jvmStartEpochMillis()));
        writer = new SpoolWriter(directory, rollCycle(settings.rollCycle()), settings.maxBytes());
        queueDirectory = directory;
        final MutableDirectBuffer header = new ExpandableArrayBuffer(512);
        final int length = QueueHeaderEncoder.encode(header, 0, identity.pid(), identity.jvmStartEpochMillis(),
            identity.serviceName(), identity.host(), identity.agentVersion());
        write(header, length, 0);
        AgentLog.debug("spooling to " + directory);
        return true;
    }

    /**
     * The spool layout fixes the roll cycle ({@link SpoolLayoutDescriptor#ROLL_CYCLE}): hotpathd
     * decodes cycle file names and indexes with it and refuses a queue in any other. A different
     * {@code hotpath.spool.rollCycle} (older agents honoured it) is ignored with one warning.
     */
    static String rollCycle(final String configured)
    {
        if (!SpoolLayoutDescriptor.ROLL_CYCLE.equals(configured))
        {
            AgentLog.warnOnce("roll-cycle", "hotpath.spool.rollCycle=" + configured + " ignored: the spool layout hotpathd reads fixes " +
                SpoolLayoutDescriptor.ROLL_CYCLE + " (remove the setting)");
        }
        return SpoolLayoutDescriptor.ROLL_CYCLE;
    }

    /** One read of the ring into one document; returns the samples read. */
    int drainOnce() throws IOException
    {
        final long now = System.nanoTime();
        return ring.size() == 0 ? 0 : drainOnce(now, false);
    }

    /** One read of the ring into one document, with AGENT_STATS at its end if {@code stats}; returns the samples read. */
    private int drainOnce(final long now, final boolean stats) throws IOException
    {
        cycleNowNanos = now;
        document.prepare(ring, maxBatch, cycleNowNanos, epochOffsetNanos, stats ? statsTrailer : null);
        if (writer.writeInPlace(document, SampleDocument.reserveFor(maxBatch, stats ? AgentStatsDescriptor.RECORD_LENGTH : 0)) > 0)
        {
            writtenDocuments++;
        }
        drained += document.samples();
        final long lag = document.takeMaxLag();
        if (lag > maxLagNanos)
        {
            maxLagNanos = lag;
        }
        return document.read();
    }

    /** After each stats interval (written or skipped while idle): the spool cap, the clock's calibration. */
    private void afterStats(final long now)
    {
        final long lost = writer.enforceCap();
        if (lost > 0)
        {
            recorder.addDropped(lost);
        }
        if (now - lastCalibrationNanos > RECALIBRATE_NANOS)
        {
            calibrate();
        }
    }

    /**
     * An idle agent's counters do not change: the stats record is then written every
     * {@value #IDLE_STATS_EVERY}th interval only (a heartbeat), not every interval.
     */
    private boolean statsUnchanged()
    {
        final long fingerprint = recorder.recorded() * 31 + recorder.dropped() * 17 + drained * 13 +
            recorder.adviceErrors() * 7 + labelOverflows() * 3 + maxLagNanos + ring.size();
        final boolean unchanged = fingerprint == lastStatsFingerprint && ++unchangedStats < IDLE_STATS_EVERY;
        if (!unchanged)
        {
            unchangedStats = 0;
        }
        lastStatsFingerprint = fingerprint;
        return unchanged;
    }

    private void writeStats(final long now) throws IOException
    {
        final int length = AgentStatsEncoder.encode(scratch, 0, now + epochOffsetNanos, recorder.recorded(), recorder.dropped(),
            drained, ring.size(), ring.capacity(), maxLagNanos, recorder.adviceErrors(), labelOverflows());
        write(scratch, length, 0);
        maxLagNanos = 0;
    }

    /** AGENT_STATS after the samples of a document: {@code samples} of them count as drained already. */
    private final class StatsTrailer implements SampleDocument.Trailer
    {
        @Override
        public int maxLength()
        {
            return AgentStatsDescriptor.RECORD_LENGTH;
        }

        @Override
        public int write(final MutableDirectBuffer buffer, final int offset, final int samples)
        {
            final long lag = Math.max(maxLagNanos, document.takeMaxLag());
            final int length = AgentStatsEncoder.encode(buffer, offset, cycleNowNanos + epochOffsetNanos, recorder.recorded(),
                recorder.dropped(), drained + samples, ring.size(), ring.capacity(), lag, recorder.adviceErrors(), labelOverflows());
            maxLagNanos = 0;
            return length;
        }
    }

    /** Label values and error types folded into "other" by their caps: AGENT_STATS has one field for both. */
    private long labelOverflows()
    {
        return series.labelOverflows() + errorTypes.overflows();
    }

    private void write(final DirectBuffer records, final int length, final int samples) throws IOException
    {
        writer.write(records.byteArray(), length, samples);
        writtenDocuments++;
    }

    /** Epoch-nanos minus nanoTime, read where the two clock reads are closest together. */
    private void calibrate()
    {
        long bestGap = Long.MAX_VALUE;
        long offset = 0;
        for (int i = 0; i < 5; i++)
        {
            final long before = System.nanoTime();
            final Instant now = Instant.now();
            final long after = System.nanoTime();
            if (after - before < bestGap)
            {
                bestGap = after - before;
                offset = now.getEpochSecond() * 1_000_000_000L + now.getNano() - (before + (after - before) / 2);
            }
        }
        epochOffsetNanos = offset;
        lastCalibrationNanos = System.nanoTime();
    }
}
