package io.hotpath.agent.spool;

import io.hotpath.agent.AgentLog;
import io.hotpath.agent.record.ErrorTypeRegistry;
import io.hotpath.agent.record.RingRecorder;
import io.hotpath.agent.record.RingSampleDescriptor;
import io.hotpath.agent.record.SeriesDefinition;
import io.hotpath.agent.record.SeriesRegistry;
import io.hotpath.agent.record.StripedRing;
import io.hotpath.wire.ErrorTypeDefinitionEncoder;
import io.hotpath.wire.SampleBatchDescriptor;
import io.hotpath.wire.SampleBatchEncoder;
import io.hotpath.wire.SampleDescriptor;
import io.hotpath.wire.SampleEncoder;
import io.hotpath.wire.SeriesDefinitionEncoder;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One read of the ring, encoded as wire records straight into the memory of the open queue
 * document ({@link SpoolWriter#writeInPlace}): no staging buffer, no copy.
 *
 * <p>Records in ring order: consecutive samples of one kind (untraced: 40-byte entries, traced: 64)
 * share a SAMPLE_BATCH record; a sample of the other kind starts a new one. The
 * SERIES_DEFINITION / ERROR_TYPE_DEFINITION of an id not written yet goes right before the batch
 * that first uses it, so every definition precedes its first use in queue order. Each sample's
 * end {@code nanoTime} becomes epoch nanos with the drain's calibrated offset.
 *
 * <p>Space: a read of at most {@code limit} samples takes at most {@link #BYTES_PER_SAMPLE} bytes
 * each (a traced entry plus a batch header, when kinds alternate) plus its definitions; the writer
 * reserves that much before the document opens, and more when definitions outgrow
 * {@link #DEFINITIONS_ALLOWANCE} (rare: definitions are written once per id).
 *
 * <p>Drain thread only; nothing is allocated per sample.
 */
final class SampleDocument implements MessageHandler, SpoolWriter.InPlaceContent
{
    /** Most bytes one sample can take: a traced entry, and a batch header of its own. */
    static final int BYTES_PER_SAMPLE = SampleDescriptor.TRACED_LENGTH + SampleBatchDescriptor.ENTRIES_OFFSET;
    /** Room for definitions reserved with every document. */
    static final int DEFINITIONS_ALLOWANCE = 4096;
    /** Calls of the read loop by {@link #warmUpRead}: past the JIT's first threshold (200), which compiles it in the background. */
    private static final int WARM_UP_READS = 500;

    /** Records written after the samples of a document (the drain's AGENT_STATS): one document fewer. */
    interface Trailer
    {
        /** Most bytes {@link #write} takes. */
        int maxLength();

        /**
         * Writes the records at {@code offset} of {@code document}, after {@code samples} samples.
         *
         * @return the bytes written
         */
        int write(MutableDirectBuffer document, int offset, int samples);
    }

    private final RingRecorder recorder;
    private final SeriesRegistry series;
    private final ErrorTypeRegistry errorTypes;
    private final SampleBatchEncoder batch = new SampleBatchEncoder();
    private boolean[] definedSeries = new boolean[1024];
    private final boolean[] definedErrors = new boolean[ErrorTypeRegistry.CAPACITY + 8];

    private StripedRing ring;
    private int limit;
    private UnsafeBuffer document;
    private SpoolWriter writer;
    /** End of the finished records in the document. */
    private int position;
    /** Entry length of the open batch; 0 when none is open. */
    private int batchEntryLength;
    private int definitionBytes;
    private int definitionRoom;
    private int samples;
    private int read;
    private long bytesRead;
    private Trailer trailer;
    private int trailerBytes;
    private CycleFileGuard.SpoolFault fault;
    private long nowNanos;
    private long epochOffsetNanos;
    private long maxLagNanos;

    /** Samples it cannot write are counted as dropped by {@code recorder}, whose registries define the ids. */
    SampleDocument(final RingRecorder recorder)
    {
        this.recorder = recorder;
        this.series = recorder.seriesRegistry();
        this.errorTypes = recorder.errorTypes();
    }

    /**
     * Runs the ring's read loop ({@code ManyToOneRingBuffer.read}) a few hundred times over a small
     * private ring, so that the JIT compiles it before the drain needs it: at low rates the drain reads
     * the ring once or twice a second, and that loop, run once per sample but entered so rarely, would
     * stay interpreted for about a minute (~0.5 µs a sample; RESULTS.md). A few ms of CPU, once.
     */
    static void warmUpRead()
    {
        final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(
            new UnsafeBuffer(ByteBuffer.allocateDirect((16 << 10) + RingBufferDescriptor.TRAILER_LENGTH)));
        final UnsafeBuffer message = new UnsafeBuffer(new byte[RingSampleDescriptor.COMPACT_MESSAGE_LENGTH]);
        final MessageHandler ignore = (type, buffer, index, length) ->
        {
        };
        for (int i = 0; i < WARM_UP_READS; i++)
        {
            for (int m = 0; m < 4; m++)
            {
                ring.write(1, message, 0, message.capacity());
            }
            ring.read(ignore, 4);
        }
    }

    /** Bytes to reserve for a read of {@code limit} samples (and a trailer of at most {@code trailerBytes}). */
    static int reserveFor(final int limit, final int trailerBytes)
    {
        return limit * BYTES_PER_SAMPLE + DEFINITIONS_ALLOWANCE + trailerBytes;
    }

    /** Bytes to reserve for a read of {@code limit} samples. */
    static int reserveFor(final int limit)
    {
        return reserveFor(limit, 0);
    }

    /** Sets up the next {@link #write}: up to {@code limit} samples of {@code ring}, their ends converted with {@code epochOffset}. */
    void prepare(final StripedRing ring, final int limit, final long nowNanos, final long epochOffset)
    {
        prepare(ring, limit, nowNanos, epochOffset, null);
    }

    /** As {@link #prepare(StripedRing, int, long, long)}, with {@code trailer} (or null) written after the samples. */
    void prepare(final StripedRing ring, final int limit, final long nowNanos, final long epochOffset, final Trailer trailer)
    {
        this.ring = ring;
        this.limit = limit;
        this.nowNanos = nowNanos;
        this.epochOffsetNanos = epochOffset;
        this.trailer = trailer;
    }

    @Override
    public int write(final UnsafeBuffer document, final SpoolWriter writer) throws CycleFileGuard.SpoolFault
    {
        this.document = document;
        this.writer = writer;
        position = 0;
        batchEntryLength = 0;
        definitionBytes = 0;
        definitionRoom = DEFINITIONS_ALLOWANCE;
        samples = 0;
        read = 0;
        bytesRead = 0;
        fault = null;
        trailerBytes = trailer == null ? 0 : trailer.maxLength();
        try
        {
            // a document that holds less than a whole read (never with Chronicle's 16 MB) takes a shorter one
            limit = Math.max(1, Math.min(limit, (document.capacity() - DEFINITIONS_ALLOWANCE - trailerBytes) / BYTES_PER_SAMPLE));
            read = ring.read(this, limit);
            finishBatch();
            if (trailer != null && fault == null)
            {
                position += trailer.write(document, position, samples);
            }
        }
        finally
        {
            this.document = null;
            this.writer = null;
            this.trailer = null;
        }
        if (fault != null)
        {
            throw fault;
        }
        return position;
    }

    @Override
    public int samples()
    {
        return samples;
    }

    /** Ring messages the last {@link #write} read. */
    int read()
    {
        return read;
    }

    /** Ring bytes (records with their headers) the last {@link #write} read. */
    long bytesRead()
    {
        return bytesRead;
    }

    /** The largest gap between a sample's end and the read that took it, since the last call. */
    long takeMaxLag()
    {
        final long lag = maxLagNanos;
        maxLagNanos = 0;
        return lag;
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
            bytesRead += RingSampleDescriptor.COMPACT_RECORD_LENGTH;
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
            bytesRead += RingSampleDescriptor.RECORD_LENGTH;
        }
        else
        {
            bytesRead += RingSampleDescriptor.RECORD_LENGTH; // not a sample: at most a wide record's worth
            return;
        }
        if (fault != null)
        {
            recorder.addDropped(1); // a document too small for the definitions, or the queue failing
            return;
        }
        if (!defined(seriesId, errorTypeId))
        {
            return;
        }
        final long lag = nowNanos - endNanoTime;
        if (lag > maxLagNanos)
        {
            maxLagNanos = lag;
        }
        final int entryLength = traced ? SampleDescriptor.TRACED_LENGTH : SampleDescriptor.UNTRACED_LENGTH;
        if (entryLength != batchEntryLength)
        {
            finishBatch();
            batch.wrap(document, position, entryLength, document.capacity() - position);
            batchEntryLength = entryLength;
        }
        final int entry = batch.nextEntryOffset();
        final long duration = Math.max(0, rawDuration);
        final long payload = Math.max(SampleDescriptor.PAYLOAD_UNKNOWN, rawPayload);
        final byte outcome = errorTypeId == 0 ? SampleDescriptor.OUTCOME_OK : SampleDescriptor.OUTCOME_ERROR;
        if (traced)
        {
            SampleEncoder.encodeTracedEntry(document, entry, seriesId, endNanoTime + epochOffsetNanos, duration, payload,
                outcome, errorTypeId,
                buffer.getLong(index + RingSampleDescriptor.TRACE_ID_HIGH_OFFSET),
                buffer.getLong(index + RingSampleDescriptor.TRACE_ID_LOW_OFFSET),
                buffer.getLong(index + RingSampleDescriptor.SPAN_ID_OFFSET));
        }
        else
        {
            SampleEncoder.encodeEntry(document, entry, seriesId, endNanoTime + epochOffsetNanos, duration, payload, outcome,
                errorTypeId);
        }
        samples++;
    }

    private void finishBatch()
    {
        if (batchEntryLength != 0)
        {
            position += batch.finish(nowNanos + epochOffsetNanos);
            batchEntryLength = 0;
        }
    }

    /** Writes the definitions this sample needs first; false if it cannot be written (counted). */
    private boolean defined(final int seriesId, final int errorTypeId)
    {
        final boolean seriesKnown = seriesId < definedSeries.length && definedSeries[seriesId];
        final boolean errorKnown = errorTypeId == 0 || errorTypeId < definedErrors.length && definedErrors[errorTypeId];
        return seriesKnown && errorKnown || defineSlow(seriesId, errorTypeId, seriesKnown, errorKnown);
    }

    private boolean defineSlow(final int seriesId, final int errorTypeId, final boolean seriesKnown, final boolean errorKnown)
    {
        final SeriesDefinition definition = seriesKnown ? null : series.definition(seriesId);
        if (!seriesKnown && definition == null)
        {
            AgentLog.warnOnce("undefined-series", "a sample referred to unknown series id " + seriesId + "; skipped");
            return false;
        }
        final String errorName = errorKnown ? null : errorName(errorTypeId);
        final int needed = (definition == null ? 0 : SeriesDefinitionEncoder.encodedLength(definition.metric(), SeriesDefinition.UNIT,
            definition.labels())) + (errorName == null ? 0 : ErrorTypeDefinitionEncoder.encodedLength(errorName));
        if (!room(needed))
        {
            recorder.addDropped(1); // a document too small for the definitions, or the queue failing
            return false;
        }
        finishBatch();
        if (definition != null)
        {
            position += SeriesDefinitionEncoder.encode(document, position, seriesId, definition.kind(), definition.metric(),
                SeriesDefinition.UNIT, definition.labels());
            if (seriesId >= definedSeries.length)
            {
                definedSeries = Arrays.copyOf(definedSeries, Math.max(seriesId + 1, definedSeries.length * 2));
            }
            definedSeries[seriesId] = true;
        }
        if (errorName != null)
        {
            position += ErrorTypeDefinitionEncoder.encode(document, position, errorTypeId, errorName);
            if (errorTypeId < definedErrors.length)
            {
                definedErrors[errorTypeId] = true;
            }
        }
        return true;
    }

    private String errorName(final int errorTypeId)
    {
        final String name = errorTypes.name(errorTypeId);
        return name == null ? "unknown" : name;
    }

    /** Whether {@code bytes} more of definitions fit: reserves more of the document when the allowance is used up. */
    private boolean room(final int bytes)
    {
        definitionBytes += bytes;
        if (definitionBytes <= definitionRoom)
        {
            return true;
        }
        final long total = (long)limit * BYTES_PER_SAMPLE + definitionBytes + DEFINITIONS_ALLOWANCE + trailerBytes;
        if (total > document.capacity())
        {
            definitionBytes -= bytes;
            AgentLog.warnOnce("definitions-too-large", "series definitions of one read do not fit a queue document (" + total +
                " bytes); their samples are dropped");
            return false;
        }
        try
        {
            writer.reserve((int)total);
            definitionRoom = definitionBytes + DEFINITIONS_ALLOWANCE;
            return true;
        }
        catch (final CycleFileGuard.SpoolFault e)
        {
            definitionBytes -= bytes;
            fault = e;
            return false;
        }
    }
}
