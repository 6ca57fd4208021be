package io.hotpath.agent.record;

import io.hotpath.agent.AgentLog;
import io.hotpath.agent.bootstrap.HotpathRecorder;
import io.hotpath.agent.bootstrap.TraceContextReader;
import io.hotpath.wire.TraceIds;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The recorder behind the bridge: writes each sample as one record ({@link RingSampleDescriptor}:
 * 32 bytes untraced, 64 traced) into an Agrona {@link ManyToOneRingBuffer} with
 * {@code tryClaim}/{@code commit}, the one of the
 * {@link StripedRing} that the thread's id selects. Wait-free for the application thread apart
 * from the stripe's tail CAS; no allocation, lock, system call or exception. When the stripe is
 * full the sample is dropped and counted.
 *
 * <p>Trace context: while a {@link TraceContextReader} is installed ({@link #traceContextReader}),
 * each sample reads the current span context once; inside a valid span the hex ids (the API's own
 * strings) are parsed into three longs and the sample is claimed as
 * {@link RingSampleDescriptor#MSG_TYPE_TRACED_SAMPLE}. Without a reader (no OpenTelemetry in the
 * JVM) the only extra work is one volatile read and a branch that always goes the same way.
 *
 * <p>Why a few many-to-one stripes rather than a ring per thread ({@code RingChoiceBenchmark} in
 * {@code benchmarks/}): per-thread rings need a thread-local lookup, a registry the drain thread
 * scans, memory per thread and care when threads die; one shared ring makes threads on different
 * cores contend on its tail. Stripes chosen by thread id have neither cost.
 */
public final class RingRecorder implements HotpathRecorder
{
    private final StripedRing rings;
    private final SeriesRegistry series;
    private final ErrorTypeRegistry errorTypes;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong recordedHighWater = new AtomicLong();
    private volatile TraceContextReader traceReader;
    private final AtomicLong adviceErrors = new AtomicLong();
    private final AtomicBoolean adviceErrorLogged = new AtomicBoolean();
    private final ListenerCompletions listenerCompletions = new ListenerCompletions(this);
    private final ClassValue<MethodHandle> sizeMethods = new ClassValue<>()
    {
        @Override
        protected MethodHandle computeValue(final Class<?> type)
        {
            return findSizeMethod(type);
        }
    };

    /** @param ringBytes data capacity of all stripes together ({@link StripedRing}). */
    public RingRecorder(final int ringBytes, final SeriesRegistry series, final ErrorTypeRegistry errorTypes)
    {
        this(ringBytes, StripedRing.defaultStripes(), series, errorTypes);
    }

    public RingRecorder(final int ringBytes, final int stripes, final SeriesRegistry series, final ErrorTypeRegistry errorTypes)
    {
        this.rings = new StripedRing(ringBytes, stripes);
        this.series = series;
        this.errorTypes = errorTypes;
    }

    @Override
    public void record(
        final int seriesId, final long startNanos, final long endNanos, final long payloadBytes, final int errorTypeId)
    {
        if (seriesId <= 0)
        {
            return;
        }
        final TraceContextReader reader = traceReader;
        if (reader == null)
        {
            writeUntraced(seriesId, endNanos, endNanos - startNanos, payloadBytes, errorTypeId);
            return;
        }
        try
        {
            write(reader, reader.currentSpanContext(), seriesId, endNanos, endNanos - startNanos, payloadBytes, errorTypeId);
        }
        catch (final Throwable t)
        {
            readerFailed(reader, t);
            writeUntraced(seriesId, endNanos, endNanos - startNanos, payloadBytes, errorTypeId);
        }
    }

    @Override
    public Object captureTraceContext()
    {
        final TraceContextReader reader = traceReader;
        try
        {
            return reader == null ? null : reader.currentSpanContext();
        }
        catch (final Throwable t)
        {
            readerFailed(reader, t);
            return null;
        }
    }

    @Override
    public void recordInContext(final Object traceContext, final int seriesId, final long startNanos, final long endNanos,
        final long payloadBytes, final int errorTypeId)
    {
        if (seriesId <= 0)
        {
            return;
        }
        final TraceContextReader reader = traceReader;
        if (reader == null || traceContext == null)
        {
            writeUntraced(seriesId, endNanos, endNanos - startNanos, payloadBytes, errorTypeId);
            return;
        }
        try
        {
            write(reader, traceContext, seriesId, endNanos, endNanos - startNanos, payloadBytes, errorTypeId);
        }
        catch (final Throwable t)
        {
            readerFailed(reader, t);
            writeUntraced(seriesId, endNanos, endNanos - startNanos, payloadBytes, errorTypeId);
        }
    }

    /**
     * A reader that throws (an OpenTelemetry API it cannot link against) is dropped for good: samples
     * go on untraced, the failure is counted and logged once as an advice error.
     */
    private void readerFailed(final TraceContextReader reader, final Throwable t)
    {
        if (traceReader == reader)
        {
            traceReader = null;
        }
        adviceError(t);
    }

    /**
     * Makes every later sample read the current span context through {@code reader} ({@code null}:
     * stop reading).
     */
    public void traceContextReader(final TraceContextReader reader)
    {
        traceReader = reader;
    }

    public TraceContextReader traceContextReader()
    {
        return traceReader;
    }

    private void write(final TraceContextReader reader, final Object spanContext, final int seriesId, final long endNanos,
        final long durationNanos, final long payloadBytes, final int errorTypeId)
    {
        final CharSequence traceId = spanContext == null ? null : reader.traceId(spanContext);
        final CharSequence spanId = traceId == null ? null : reader.spanId(spanContext);
        if (spanId == null || traceId.length() != 32 || spanId.length() != 16)
        {
            writeUntraced(seriesId, endNanos, durationNanos, payloadBytes, errorTypeId);
            return;
        }
        // Parsed before the claim: the claimed slot stays uncommitted (and the drain waits) for as
        // short a time as possible.
        final long traceIdHigh = TraceIds.parseHex16(traceId, 0);
        final long traceIdLow = TraceIds.parseHex16(traceId, 16);
        final long span = TraceIds.parseHex16(spanId, 0);
        final StripedRing rings = this.rings;
        final int stripe = rings.stripeOfCurrentThread();
        final ManyToOneRingBuffer ring = rings.ring(stripe);
        final int index = ring.tryClaim(RingSampleDescriptor.MSG_TYPE_TRACED_SAMPLE, RingSampleDescriptor.MESSAGE_LENGTH);
        if (index < 0)
        {
            dropped.getAndIncrement();
            return;
        }
        final AtomicBuffer buffer = rings.buffer(stripe);
        putSample(buffer, index, seriesId, endNanos, durationNanos, payloadBytes, errorTypeId);
        buffer.putLong(index + RingSampleDescriptor.TRACE_ID_HIGH_OFFSET, traceIdHigh);
        buffer.putLong(index + RingSampleDescriptor.TRACE_ID_LOW_OFFSET, traceIdLow);
        buffer.putLong(index + RingSampleDescriptor.SPAN_ID_OFFSET, span);
        ring.commit(index);
    }

    private void writeUntraced(
        final int seriesId, final long endNanos, final long durationNanos, final long payloadBytes, final int errorTypeId)
    {
        final StripedRing rings = this.rings;
        final int stripe = rings.stripeOfCurrentThread();
        final ManyToOneRingBuffer ring = rings.ring(stripe);
        if (!RingSampleDescriptor.fitsCompact(seriesId, errorTypeId))
        {
            writeWide(rings, stripe, ring, seriesId, endNanos, durationNanos, payloadBytes, errorTypeId);
            return;
        }
        final int index = ring.tryClaim(RingSampleDescriptor.compactType(seriesId, errorTypeId),
            RingSampleDescriptor.COMPACT_MESSAGE_LENGTH);
        if (index < 0)
        {
            dropped.getAndIncrement();
            return;
        }
        // Plain stores at the claimed slot's address: tryClaim returned an index inside the buffer, so
        // the bounds checks of UnsafeBuffer's accessors would only repeat what it checked.
        final long address = rings.address(stripe) + index;
        UnsafeApi.putLong(address + RingSampleDescriptor.COMPACT_END_NANO_TIME_OFFSET, endNanos);
        UnsafeApi.putLong(address + RingSampleDescriptor.COMPACT_DURATION_NANOS_OFFSET, durationNanos);
        UnsafeApi.putLong(address + RingSampleDescriptor.COMPACT_PAYLOAD_BYTES_OFFSET, payloadBytes);
        ring.commit(index);
    }

    private void writeWide(final StripedRing rings, final int stripe, final ManyToOneRingBuffer ring, final int seriesId,
        final long endNanos, final long durationNanos, final long payloadBytes, final int errorTypeId)
    {
        final int index = ring.tryClaim(RingSampleDescriptor.MSG_TYPE_WIDE_SAMPLE, RingSampleDescriptor.MESSAGE_LENGTH);
        if (index < 0)
        {
            dropped.getAndIncrement();
            return;
        }
        putSample(rings.buffer(stripe), index, seriesId, endNanos, durationNanos, payloadBytes, errorTypeId);
        ring.commit(index);
    }

    private static void putSample(final AtomicBuffer buffer, final int index, final int seriesId, final long endNanos,
        final long durationNanos, final long payloadBytes, final int errorTypeId)
    {
        buffer.putInt(index + RingSampleDescriptor.SERIES_ID_OFFSET, seriesId);
        buffer.putInt(index + RingSampleDescriptor.ERROR_TYPE_ID_OFFSET, errorTypeId);
        buffer.putLong(index + RingSampleDescriptor.END_NANO_TIME_OFFSET, endNanos);
        buffer.putLong(index + RingSampleDescriptor.DURATION_NANOS_OFFSET, durationNanos);
        buffer.putLong(index + RingSampleDescriptor.PAYLOAD_BYTES_OFFSET, payloadBytes);
    }

    @Override
    public int series(final int ruleIndex, final Object label0, final Object label1, final Object label2)
    {
        return series.resolve(ruleIndex, label0, label1, label2);
    }

    @Override
    public int errorType(final Throwable thrown)
    {
        return errorTypes.idOf(thrown);
    }

    @Override
    public long sizeOfOther(final Object value)
    {
        final MethodHandle handle = sizeMethods.get(value.getClass());
        if (handle == null)
        {
            return -1;
        }
        try
        {
            return (long)handle.invokeExact(value);
        }
        catch (final Throwable t)
        {
            adviceError(t);
            return -1;
        }
    }

    @Override
    public boolean recordOnCompletion(
        final Object result, final int seriesId, final long startNanos, final long payloadBytes, final int failureMode)
    {
        return listenerCompletions.attach(result, seriesId, startNanos, payloadBytes);
    }

    @Override
    public void adviceError(final Throwable thrown)
    {
        adviceErrors.getAndIncrement();
        if (adviceErrorLogged.compareAndSet(false, true))
        {
            AgentLog.error("a throwable was caught inside instrumentation advice and suppressed; " +
                "the call went on unaffected (further ones are only counted)", thrown);
        }
    }

    public StripedRing ring()
    {
        return rings;
    }

    public SeriesRegistry seriesRegistry()
    {
        return series;
    }

    public ErrorTypeRegistry errorTypes()
    {
        return errorTypes;
    }

    /**
     * Samples written into the ring since start: exact once the ring is read empty, a lower bound
     * while samples wait (records are 32 or 64 bytes), never decreasing ({@link StripedRing#recordedAtLeast}).
     */
    public long recorded()
    {
        final long now = rings.recordedAtLeast();
        final long before = recordedHighWater.get();
        return now > before ? recordedHighWater.accumulateAndGet(now, Math::max) : before;
    }

    public long dropped()
    {
        return dropped.get();
    }

    /** Counts samples lost outside the ring (e.g. deleted by the spool size cap). */
    public void addDropped(final long samples)
    {
        dropped.addAndGet(samples);
    }

    public long adviceErrors()
    {
        return adviceErrors.get();
    }

    private static MethodHandle findSizeMethod(final Class<?> type)
    {
        for (final String name : new String[] {"size", "length", "remaining", "readableBytes"})
        {
            try
            {
                final Method method = type.getMethod(name);
                final Class<?> returnType = method.getReturnType();
                if (Modifier.isStatic(method.getModifiers()) ||
                    (returnType != int.class && returnType != long.class))
                {
                    continue;
                }
                method.setAccessible(true);
                return MethodHandles.lookup().unreflect(method)
                    .asType(MethodType.methodType(long.class, Object.class));
            }
            catch (final ReflectiveOperationException | RuntimeException e)
            {
                // try the next name; inaccessible or absent
            }
        }
        return null;
    }
}
