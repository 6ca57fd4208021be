package io.hotpath.agent.record;

import io.hotpath.agent.AgentLog;
import io.hotpath.agent.bootstrap.HotpathRecorder;
import io.hotpath.agent.bootstrap.TraceContextReader;
import io.hotpath.wire.TraceIds;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The recorder behind the bridge: writes each sample as one record ({@link RingSampleDescriptor}:
 * 32 bytes untraced, 64 traced) into the calling thread's stripe of a {@link StripedRing}. A thread
 * with a stripe of its own (the first {@link ThreadSlots#SLOTS} that record) claims with plain loads
 * and ordered stores, and publishes the record with one 8-byte store of its header; the others share
 * a few Agrona {@link ManyToOneRingBuffer}s with {@code tryClaim}/{@code commit} (a CAS on the
 * tail). No allocation, lock, system call or exception (a thread's first sample registers it: a
 * scan of 16 slots and a CAS). When the stripe is full the sample is dropped and counted.
 *
 * <p>Trace context: while a {@link TraceContextReader} is installed ({@link #traceContextReader}),
 * each sample reads the current span context once; inside a valid span the hex ids (the API's own
 * strings) are parsed into three longs and the sample is claimed as
 * {@link RingSampleDescriptor#MSG_TYPE_TRACED_SAMPLE}. Without a reader (no OpenTelemetry in the
 * JVM) the only extra work is one volatile read and a branch that always goes the same way.
 *
 * <p>Why owned stripes found through a table by thread id rather than a ring per thread in a
 * {@code ThreadLocal}: the lookup is one array load and a compare, the drain scans a fixed set of
 * stripes, memory does not grow with threads, and a stripe whose thread ended is handed on
 * ({@link ThreadSlots}). {@code RingChoiceBenchmark} in {@code benchmarks/} has the history.
 *
 * <p>Over 400 lines because the record forms (plain, in context, traced, folded over a label cap) share one
 * inlined write path into the stripes; spread over classes, the JIT would no longer inline it into the advice.
 */
public final class RingRecorder implements HotpathRecorder
{
    private final StripedRing rings;
    private final SeriesRegistry series;
    private final ErrorTypeRegistry errorTypes;
    private final StripedCounter dropped = new StripedCounter();
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
        this(new StripedRing(ringBytes, stripes), series, errorTypes);
    }

    RingRecorder(final StripedRing rings, final SeriesRegistry series, final ErrorTypeRegistry errorTypes)
    {
        this.rings = rings;
        this.series = series;
        this.errorTypes = errorTypes;
        series.countFoldsOf(rings::foldedInOwnedStripes); // what the owned stripes counted is part of labelOverflows()
    }

    /**
     * @param signedSeriesId as {@link #series} returned it: a folded call's id is negated, and its sample
     *                       counts it as a label overflow (written or dropped); 0 records nothing.
     */
    @Override
    public void record(
        final int signedSeriesId, final long startNanos, final long endNanos, final long payloadBytes, final int errorTypeId)
    {
        // one path for both signs (register work only): a second inlined copy of the write would make this
        // method too big to be inlined into its callers
        final int seriesId = Math.abs(signedSeriesId);
        if (seriesId <= 0)
        {
            return; // 0, or MIN_VALUE (no id)
        }
        final boolean folded = signedSeriesId < 0;
        final TraceContextReader reader = traceReader;
        if (reader == null)
        {
            writeUntraced(seriesId, folded, endNanos, endNanos - startNanos, payloadBytes, errorTypeId);
            return;
        }
        try
        {
            write(reader, reader.currentSpanContext(), seriesId, folded, endNanos, endNanos - startNanos, payloadBytes, errorTypeId);
        }
        catch (final Throwable t)
        {
            readerFailed(reader, t);
            writeUntraced(seriesId, folded, endNanos, endNanos - startNanos, payloadBytes, errorTypeId);
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

    /** As {@link #record}, a negated (folded) series id included. */
    @Override
    public void recordInContext(final Object traceContext, final int signedSeriesId, final long startNanos, final long endNanos,
        final long payloadBytes, final int errorTypeId)
    {
        final int seriesId = Math.abs(signedSeriesId);
        if (seriesId <= 0)
        {
            return;
        }
        final boolean folded = signedSeriesId < 0;
        final TraceContextReader reader = traceReader;
        if (reader == null || traceContext == null)
        {
            writeUntraced(seriesId, folded, endNanos, endNanos - startNanos, payloadBytes, errorTypeId);
            return;
        }
        try
        {
            write(reader, traceContext, seriesId, folded, endNanos, endNanos - startNanos, payloadBytes, errorTypeId);
        }
        catch (final Throwable t)
        {
            readerFailed(reader, t);
            writeUntraced(seriesId, folded, endNanos, endNanos - startNanos, payloadBytes, errorTypeId);
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

    private void write(final TraceContextReader reader, final Object spanContext, final int seriesId, final boolean folded,
        final long endNanos, final long durationNanos, final long payloadBytes, final int errorTypeId)
    {
        final CharSequence traceId = spanContext == null ? null : reader.traceId(spanContext);
        final CharSequence spanId = traceId == null ? null : reader.spanId(spanContext);
        if (spanId == null || traceId.length() != 32 || spanId.length() != 16)
        {
            writeUntraced(seriesId, folded, endNanos, durationNanos, payloadBytes, errorTypeId);
            return;
        }
        // Parsed before the claim: the claimed slot stays uncommitted (and the drain waits) for as
        // short a time as possible.
        final long traceIdHigh = TraceIds.parseHex16(traceId, 0);
        final long traceIdLow = TraceIds.parseHex16(traceId, 16);
        final long span = TraceIds.parseHex16(spanId, 0);
        final StripedRing rings = this.rings;
        final int owned = rings.ownedStripeOfCurrentThread();
        if (owned >= 0)
        {
            final long address = rings.claimOwned(owned, RingSampleDescriptor.RECORD_LENGTH, folded);
            if (address == 0)
            {
                dropped.increment();
                return;
            }
            final long body = address + RecordDescriptor.HEADER_LENGTH;
            putSample(body, seriesId, endNanos, durationNanos, payloadBytes, errorTypeId);
            UnsafeApi.putLong(body + RingSampleDescriptor.TRACE_ID_HIGH_OFFSET, traceIdHigh);
            UnsafeApi.putLong(body + RingSampleDescriptor.TRACE_ID_LOW_OFFSET, traceIdLow);
            UnsafeApi.putLong(body + RingSampleDescriptor.SPAN_ID_OFFSET, span);
            StripedRing.publish(address, RingSampleDescriptor.MSG_TYPE_TRACED_SAMPLE, RingSampleDescriptor.RECORD_LENGTH);
            return;
        }
        if (folded)
        {
            series.countFold();
        }
        final int stripe = rings.stripeOfCurrentThread();
        final ManyToOneRingBuffer ring = rings.ring(stripe);
        final int index = ring.tryClaim(RingSampleDescriptor.MSG_TYPE_TRACED_SAMPLE, RingSampleDescriptor.MESSAGE_LENGTH);
        if (index < 0)
        {
            dropped.increment();
            return;
        }
        final long body = rings.address(stripe) + index;
        putSample(body, seriesId, endNanos, durationNanos, payloadBytes, errorTypeId);
        UnsafeApi.putLong(body + RingSampleDescriptor.TRACE_ID_HIGH_OFFSET, traceIdHigh);
        UnsafeApi.putLong(body + RingSampleDescriptor.TRACE_ID_LOW_OFFSET, traceIdLow);
        UnsafeApi.putLong(body + RingSampleDescriptor.SPAN_ID_OFFSET, span);
        ring.commit(index);
    }

    /**
     * @param folded the call was folded into an overflow series: counted here, whether the sample is
     *               written or dropped. In an owned stripe, by the claim, next to the stripe's tail (the
     *               line the owner writes anyway; {@link StripedRing#foldedInOwnedStripes}); a thread
     *               without one counts in its cell of the registry's striped counter.
     */
    private void writeUntraced(final int seriesId, final boolean folded, final long endNanos, final long durationNanos,
        final long payloadBytes, final int errorTypeId)
    {
        final StripedRing rings = this.rings;
        final boolean compact = RingSampleDescriptor.fitsCompact(seriesId, errorTypeId);
        final int owned = rings.ownedStripeOfCurrentThread();
        if (owned >= 0 && compact)
        {
            // The thread's own stripe: no CAS; plain stores of the body, then the header in one ordered store.
            final long address = rings.claimOwned(owned, RingSampleDescriptor.COMPACT_RECORD_LENGTH, folded);
            if (address == 0)
            {
                dropped.increment();
                return;
            }
            final long body = address + RecordDescriptor.HEADER_LENGTH;
            UnsafeApi.putLong(body + RingSampleDescriptor.COMPACT_END_NANO_TIME_OFFSET, endNanos);
            UnsafeApi.putLong(body + RingSampleDescriptor.COMPACT_DURATION_NANOS_OFFSET, durationNanos);
            UnsafeApi.putLong(body + RingSampleDescriptor.COMPACT_PAYLOAD_BYTES_OFFSET, payloadBytes);
            StripedRing.publish(address, RingSampleDescriptor.compactType(seriesId, errorTypeId),
                RingSampleDescriptor.COMPACT_RECORD_LENGTH);
            return;
        }
        if (owned >= 0)
        {
            final long address = rings.claimOwned(owned, RingSampleDescriptor.RECORD_LENGTH, folded);
            if (address == 0)
            {
                dropped.increment();
                return;
            }
            putSample(address + RecordDescriptor.HEADER_LENGTH, seriesId, endNanos, durationNanos, payloadBytes, errorTypeId);
            StripedRing.publish(address, RingSampleDescriptor.MSG_TYPE_WIDE_SAMPLE, RingSampleDescriptor.RECORD_LENGTH);
            return;
        }
        // No stripe of its own (more threads record than there are owned stripes): a shared one, claimed by CAS.
        if (folded)
        {
            series.countFold();
        }
        final int stripe = rings.stripeOfCurrentThread();
        final ManyToOneRingBuffer ring = rings.ring(stripe);
        final int index = compact ?
            ring.tryClaim(RingSampleDescriptor.compactType(seriesId, errorTypeId), RingSampleDescriptor.COMPACT_MESSAGE_LENGTH) :
            ring.tryClaim(RingSampleDescriptor.MSG_TYPE_WIDE_SAMPLE, RingSampleDescriptor.MESSAGE_LENGTH);
        if (index < 0)
        {
            dropped.increment();
            return;
        }
        // Plain stores at the claimed slot's address: tryClaim returned an index inside the buffer, so
        // the bounds checks of UnsafeBuffer's accessors would only repeat what it checked.
        final long body = rings.address(stripe) + index;
        if (compact)
        {
            UnsafeApi.putLong(body + RingSampleDescriptor.COMPACT_END_NANO_TIME_OFFSET, endNanos);
            UnsafeApi.putLong(body + RingSampleDescriptor.COMPACT_DURATION_NANOS_OFFSET, durationNanos);
            UnsafeApi.putLong(body + RingSampleDescriptor.COMPACT_PAYLOAD_BYTES_OFFSET, payloadBytes);
        }
        else
        {
            putSample(body, seriesId, endNanos, durationNanos, payloadBytes, errorTypeId);
        }
        ring.commit(index);
    }

    /** The fields of a wide record, at the native address of its body (after the header). */
    private static void putSample(final long body, final int seriesId, final long endNanos,
        final long durationNanos, final long payloadBytes, final int errorTypeId)
    {
        UnsafeApi.putInt(body + RingSampleDescriptor.SERIES_ID_OFFSET, seriesId);
        UnsafeApi.putInt(body + RingSampleDescriptor.ERROR_TYPE_ID_OFFSET, errorTypeId);
        UnsafeApi.putLong(body + RingSampleDescriptor.END_NANO_TIME_OFFSET, endNanos);
        UnsafeApi.putLong(body + RingSampleDescriptor.DURATION_NANOS_OFFSET, durationNanos);
        UnsafeApi.putLong(body + RingSampleDescriptor.PAYLOAD_BYTES_OFFSET, payloadBytes);
    }

    /** The call's series; a folded call's id negated, for {@link #record} to count with its sample. */
    @Override
    public int series(final int ruleIndex, final Object label0, final Object label1, final Object label2)
    {
        return series.resolveForSample(ruleIndex, label0, label1, label2);
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

    /**
     * Threads (JVM-wide) that found no stripe of their own and write to the shared, CAS-claimed ones;
     * not in the agent's stats record (the wire format is unchanged).
     */
    public long sharedStripeThreads()
    {
        return ThreadSlots.sharedThreads();
    }

    public long dropped()
    {
        return dropped.sum();
    }

    /** Counts samples lost outside the ring (e.g. deleted by the spool size cap). */
    public void addDropped(final long samples)
    {
        dropped.addShared(samples);
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
