package io.hotpath.agent.spool;

import io.hotpath.agent.AgentLog;
import io.hotpath.agent.record.ErrorTypeRegistry;
import io.hotpath.agent.record.RingRecorder;
import io.hotpath.agent.record.RingSampleDescriptor;
import io.hotpath.agent.record.SeriesDefinition;
import io.hotpath.agent.record.SeriesRegistry;
import io.hotpath.wire.AgentStatsDescriptor;
import io.hotpath.wire.AgentStatsEncoder;
import io.hotpath.wire.ErrorTypeDefinitionEncoder;
import io.hotpath.wire.QueueHeaderEncoder;
import io.hotpath.wire.SampleBatchDescriptor;
import io.hotpath.wire.SampleBatchEncoder;
import io.hotpath.wire.SampleDescriptor;
import io.hotpath.wire.SampleEncoder;
import io.hotpath.wire.SeriesDefinitionEncoder;
import io.hotpath.wire.SpoolLayoutDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import io.hotpath.agent.record.StripedRing;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.io.IOException;
import java.util.Arrays;

/**
 * The drain thread: the ring's single consumer and the queue's single writer.
 *
 * <p>Per cycle it reads up to a batch of samples from the ring into SAMPLE_BATCH records (one of
 * untraced entries, one of traced entries carrying trace and span id: a batch has one entry length),
 * converting each end {@code nanoTime} to epoch nanos with a calibrated offset (so application
 * threads never read the wall clock), and collects the SERIES_DEFINITION / ERROR_TYPE_DEFINITION
 * records of ids it has not written yet; it then writes the definitions document before the batch
 * document, so every definition precedes its first use in queue order. Every stats interval it
 * writes an AGENT_STATS record and enforces the spool size cap.
 *
 * <p>Opening Chronicle (hundreds of milliseconds of class loading) happens on this thread, not
 * on the application's main thread; samples recorded meanwhile wait in the ring. On shutdown
 * ({@link #shutdown}) it drains what is left, writes final stats, closes the queue and creates the
 * {@code hotpath.closed} marker. If Chronicle fails, {@code onFailure} is told once and the thread ends.
 */
public final class SpoolDrainer implements Runnable, MessageHandler
{
    /** Offset recalibration period: bounds drift between nanoTime and the wall clock. */
    private static final long RECALIBRATE_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Shortest sleep between reads that did not fill a batch ({@link DrainPacer}). */
    private static final long MIN_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
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
    private final UnsafeBuffer batchBuffer;
    private final SampleBatchEncoder batch = new SampleBatchEncoder();
    private final UnsafeBuffer tracedBatchBuffer;
    private final SampleBatchEncoder tracedBatch = new SampleBatchEncoder();
    private final ExpandableArrayBuffer definitions = new ExpandableArrayBuffer(4096);
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[AgentStatsDescriptor.RECORD_LENGTH + 4096]);
    private int definitionsLength;
    private boolean[] definedSeries = new boolean[1024];
    private final boolean[] definedErrors = new boolean[ErrorTypeRegistry.CAPACITY + 8];

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
        this.maxBatch = Math.max(1, Math.min(settings.maxBatchSamples(), SampleBatchDescriptor.maxEntries(SampleDescriptor.TRACED_LENGTH)));
        this.batchBuffer = new UnsafeBuffer(new byte[SampleBatchDescriptor.recordLength(maxBatch, SampleDescriptor.UNTRACED_LENGTH)]);
        this.tracedBatchBuffer = new UnsafeBuffer(new byte[SampleBatchDescriptor.recordLength(maxBatch, SampleDescriptor.TRACED_LENGTH)]);
        this.pacer = new DrainPacer(MIN_PARK_NANOS, settings.idleNanos(), ring.stripeCapacity(),
            RingSampleDescriptor.RECORD_LENGTH);
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

    /** Drains what is left, closes the queue and writes the closed marker; waits at most {@code timeoutMillis}. */
    public void shutdown(final long timeoutMillis)
    {
        stopping = true;
        LockSupport.unpark(thread);
        try
        {
            if (!finished.await(timeoutMillis, TimeUnit.MILLISECONDS))
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
            if (!awaitFirstUse())
            {
                return;
            }
            open();
            long nextStats = System.nanoTime() + settings.statsIntervalNanos();
            while (!stopping)
            {
                final int count = drainOnce();
                final long now = System.nanoTime();
                if (now - nextStats >= 0)
                {
                    periodic(now);
                    nextStats = now + settings.statsIntervalNanos();
                }
                final long park = pacer.afterRead(cycleNowNanos, count, count >= maxBatch, ring.fullestSize(), epochOffsetNanos);
                if (park > 0 && !stopping)
                {
                    // never past the next stats record
                    LockSupport.parkNanos(Math.min(park, Math.max(MIN_PARK_NANOS, nextStats - now)));
                }
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
     * Opening Chronicle costs hundreds of milliseconds of class loading and CPU; it waits until
     * there is something to write (a sample, or {@link SpoolSettings#openDelayNanos} passed), so it
     * neither competes with the application's start nor runs at all in a short-lived JVM that never
     * made an instrumented call.
     *
     * @return false when the JVM shuts down before anything was recorded: no queue is created.
     */
    private boolean awaitFirstUse()
    {
        final long deadline = System.nanoTime() + settings.openDelayNanos();
        while (ring.size() == 0 && recorder.dropped() == 0 && recorder.adviceErrors() == 0)
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

    private void open() throws IOException
    {
        if (beforeOpen != null)
        {
            beforeOpen.run();
        }
        calibrate();
        CycleFileGuard.warmUpCompareAndSwap();
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

    /** One read of the ring into one batch; returns the samples read. */
    int drainOnce() throws IOException
    {
        cycleNowNanos = System.nanoTime();
        batch.wrap(batchBuffer, 0, SampleDescriptor.UNTRACED_LENGTH, batchBuffer.capacity());
        tracedBatch.wrap(tracedBatchBuffer, 0, SampleDescriptor.TRACED_LENGTH, tracedBatchBuffer.capacity());
        final int count = ring.read(this, maxBatch);
        if (definitionsLength > 0)
        {
            write(definitions, definitionsLength, 0);
            definitionsLength = 0;
        }
        writeBatch(batch, batchBuffer);
        writeBatch(tracedBatch, tracedBatchBuffer);
        return count;
    }

    private void writeBatch(final SampleBatchEncoder encoder, final UnsafeBuffer buffer) throws IOException
    {
        final int samples = encoder.count();
        if (samples > 0)
        {
            write(buffer, encoder.finish(), samples);
            drained += samples;
        }
    }

    @Override
    public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final boolean traced;
        final int seriesId;
        final int errorTypeId;
        final long endNanoTime;
        final long rawDuration;
        final long rawPayload;
        if (length == RingSampleDescriptor.COMPACT_MESSAGE_LENGTH)
        {
            traced = false;
            seriesId = RingSampleDescriptor.compactSeriesId(msgTypeId);
            errorTypeId = RingSampleDescriptor.compactErrorTypeId(msgTypeId);
            endNanoTime = buffer.getLong(index + RingSampleDescriptor.COMPACT_END_NANO_TIME_OFFSET);
            rawDuration = buffer.getLong(index + RingSampleDescriptor.COMPACT_DURATION_NANOS_OFFSET);
            rawPayload = buffer.getLong(index + RingSampleDescriptor.COMPACT_PAYLOAD_BYTES_OFFSET);
        }
        else if (length == RingSampleDescriptor.MESSAGE_LENGTH &&
            (msgTypeId == RingSampleDescriptor.MSG_TYPE_TRACED_SAMPLE || msgTypeId == RingSampleDescriptor.MSG_TYPE_WIDE_SAMPLE))
        {
            traced = msgTypeId == RingSampleDescriptor.MSG_TYPE_TRACED_SAMPLE;
            seriesId = buffer.getInt(index + RingSampleDescriptor.SERIES_ID_OFFSET);
            errorTypeId = buffer.getInt(index + RingSampleDescriptor.ERROR_TYPE_ID_OFFSET);
            endNanoTime = buffer.getLong(index + RingSampleDescriptor.END_NANO_TIME_OFFSET);
            rawDuration = buffer.getLong(index + RingSampleDescriptor.DURATION_NANOS_OFFSET);
            rawPayload = buffer.getLong(index + RingSampleDescriptor.PAYLOAD_BYTES_OFFSET);
        }
        else
        {
            return;
        }
        final long duration = Math.max(0, rawDuration);
        final long payload = Math.max(SampleDescriptor.PAYLOAD_UNKNOWN, rawPayload);
        if (!defineSeries(seriesId))
        {
            return;
        }
        if (errorTypeId != 0)
        {
            defineErrorType(errorTypeId);
        }
        final long lag = cycleNowNanos - endNanoTime;
        if (lag > maxLagNanos)
        {
            maxLagNanos = lag;
        }
        final byte outcome = errorTypeId == 0 ? SampleDescriptor.OUTCOME_OK : SampleDescriptor.OUTCOME_ERROR;
        if (traced)
        {
            SampleEncoder.encodeTracedEntry(tracedBatchBuffer, tracedBatch.nextEntryOffset(), seriesId,
                endNanoTime + epochOffsetNanos, duration, payload, outcome, errorTypeId,
                buffer.getLong(index + RingSampleDescriptor.TRACE_ID_HIGH_OFFSET),
                buffer.getLong(index + RingSampleDescriptor.TRACE_ID_LOW_OFFSET),
                buffer.getLong(index + RingSampleDescriptor.SPAN_ID_OFFSET));
        }
        else
        {
            SampleEncoder.encodeEntry(batchBuffer, batch.nextEntryOffset(), seriesId, endNanoTime + epochOffsetNanos, duration,
                payload, outcome, errorTypeId);
        }
    }

    private boolean defineSeries(final int seriesId)
    {
        if (seriesId < definedSeries.length && definedSeries[seriesId])
        {
            return true;
        }
        final SeriesDefinition definition = series.definition(seriesId);
        if (definition == null)
        {
            AgentLog.warnOnce("undefined-series", "a sample referred to unknown series id " + seriesId + "; skipped");
            return false;
        }
        if (seriesId >= definedSeries.length)
        {
            definedSeries = Arrays.copyOf(definedSeries, Math.max(seriesId + 1, definedSeries.length * 2));
        }
        definitionsLength += SeriesDefinitionEncoder.encode(definitions, definitionsLength, seriesId, definition.kind(),
            definition.metric(), SeriesDefinition.UNIT, definition.labels());
        definedSeries[seriesId] = true;
        return true;
    }

    private void defineErrorType(final int errorTypeId)
    {
        if (errorTypeId < definedErrors.length && definedErrors[errorTypeId])
        {
            return;
        }
        final String name = errorTypes.name(errorTypeId);
        definitionsLength += ErrorTypeDefinitionEncoder.encode(definitions, definitionsLength, errorTypeId,
            name == null ? "unknown" : name);
        if (errorTypeId < definedErrors.length)
        {
            definedErrors[errorTypeId] = true;
        }
    }

    private void periodic(final long now) throws IOException
    {
        if (!statsUnchanged())
        {
            writeStats(now);
        }
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
