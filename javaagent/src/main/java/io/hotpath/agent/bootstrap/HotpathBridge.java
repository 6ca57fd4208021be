package io.hotpath.agent.bootstrap;

import java.nio.Buffer;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The static entry points inlined advice calls. Loaded by the bootstrap class loader, so that advice
 * inlined into JDK classes ({@code sun.nio.ch.SocketChannelImpl}, the HTTP client) and into classes of
 * any application loader that delegates to its parent resolves the same class.
 *
 * <p>{@link #record} is the exact code the advice runs per call (besides its two {@code nanoTime}
 * reads); benchmarks call it directly. It delegates to the installed {@link HotpathRecorder}, a
 * monomorphic call site once the agent runs, which the JIT inlines.
 */
public final class HotpathBridge
{
    /** Error type id of a call that returned {@code false} under {@code failure_on: false}. */
    public static final int ERROR_RETURNED_FALSE = 1;
    /** Error type id of a call that returned {@code null} under {@code failure_on: null}. */
    public static final int ERROR_RETURNED_NULL = 2;
    /** Error type id for exception classes beyond the error type table's capacity. */
    public static final int ERROR_OTHER = 3;
    /** Error type ids of a response whose status is at or above the rule's {@code status_class.error_from}. */
    public static final int ERROR_HTTP_4XX = 4;
    public static final int ERROR_HTTP_5XX = 5;
    /** ... below 400 (an {@code error_from} of 100..399). */
    public static final int ERROR_HTTP_STATUS = 6;

    /** Failure modes of a rule, as bound into its advice. */
    public static final int FAILURE_ON_NOTHING = 0;
    public static final int FAILURE_ON_FALSE = 1;
    public static final int FAILURE_ON_NULL = 2;
    /**
     * The advice's failure mode also carries the rule's {@code status_class} setting, above these
     * bits: 0 = none, 1 = label only, {@code n + 1} = label, and a status of {@code n} or more is an error.
     */
    public static final int STATUS_SHIFT = 8;
    private static final int FAILURE_MASK = (1 << STATUS_SHIFT) - 1;

    /** Payload size not known. */
    public static final long SIZE_UNKNOWN = -1L;
    /** Advice constant: the rule takes no size from the return value. */
    public static final long NO_RETURNED_SIZE = Long.MIN_VALUE;

    private static volatile HotpathRecorder recorder = HotpathRecorder.NO_OP;
    private static volatile HttpStatusSeries statusSeries = HttpStatusSeries.NONE;

    private HotpathBridge()
    {
    }

    /** Makes {@code newRecorder} the target of every advice call from now on. */
    public static void install(final HotpathRecorder newRecorder)
    {
        recorder = newRecorder == null ? HotpathRecorder.NO_OP : newRecorder;
    }

    /** Makes {@code series} what {@code status_class} rules use from now on. */
    public static void installStatusSeries(final HttpStatusSeries series)
    {
        statusSeries = series == null ? HttpStatusSeries.NONE : series;
    }

    /** The failure mode ({@code FAILURE_ON_*}) part of an advice's failure mode. */
    public static int failureOn(final int failureMode)
    {
        return failureMode & FAILURE_MASK;
    }

    /**
     * Records a call of a {@code status_class} rule: its series gets the response's status class;
     * a status at or above the rule's {@code error_from} is an error unless the call already failed.
     *
     * @param response the returned (or completion) value, {@code null} when the call threw.
     */
    public static void recordStatus(final Object traceContext, final boolean inContext, final Object response,
        final int seriesId, final long startNanos, final long endNanos, final long payloadBytes, final int errorTypeId,
        final int failureMode)
    {
        final HttpStatusSeries status = statusSeries;
        final int code = response == null ? 0 : status.statusCode(response);
        final int statusClass = code >= 100 && code < 600 ? code / 100 : 0;
        int error = errorTypeId;
        final int errorFrom = (failureMode >>> STATUS_SHIFT) - 1;
        if (error == 0 && errorFrom > 0 && code >= errorFrom)
        {
            error = statusClass == 5 ? ERROR_HTTP_5XX : statusClass == 4 ? ERROR_HTTP_4XX : ERROR_HTTP_STATUS;
        }
        final int series = status.series(seriesId, statusClass);
        if (inContext)
        {
            recorder.recordInContext(traceContext, series, startNanos, endNanos, payloadBytes, error);
        }
        else
        {
            recorder.record(series, startNanos, endNanos, payloadBytes, error);
        }
    }

    public static HotpathRecorder installed()
    {
        return recorder;
    }

    /** See {@link HotpathRecorder#record}. */
    public static void record(
        final int seriesId, final long startNanos, final long endNanos, final long payloadBytes, final int errorTypeId)
    {
        recorder.record(seriesId, startNanos, endNanos, payloadBytes, errorTypeId);
    }

    /** See {@link HotpathRecorder#captureTraceContext}. */
    public static Object captureTraceContext()
    {
        return recorder.captureTraceContext();
    }

    /** See {@link HotpathRecorder#recordInContext}. */
    public static void recordInContext(final Object traceContext,
        final int seriesId, final long startNanos, final long endNanos, final long payloadBytes, final int errorTypeId)
    {
        recorder.recordInContext(traceContext, seriesId, startNanos, endNanos, payloadBytes, errorTypeId);
    }

    public static int series(final int ruleIndex, final Object label0, final Object label1, final Object label2)
    {
        return recorder.series(ruleIndex, label0, label1, label2);
    }

    public static int errorType(final Throwable thrown)
    {
        return recorder.errorType(thrown);
    }

    /** Called by the advice's exception handler; must itself never throw. */
    public static void adviceError(final Throwable thrown)
    {
        try
        {
            recorder.adviceError(thrown);
        }
        catch (final Throwable ignore)
        {
            // nothing may escape into the application
        }
    }

    /**
     * Times an asynchronous call to its completion: {@code result} is the returned
     * {@link CompletionStage} (or a Netty future, see {@link HotpathRecorder#recordOnCompletion}).
     * A {@code null} result is recorded at once.
     */
    public static void recordOnCompletion(
        final Object result, final int seriesId, final long startNanos, final long payloadBytes, final int failureMode)
    {
        if (result instanceof CompletableFuture)
        {
            new CompletionRecorder(seriesId, startNanos, payloadBytes, failureMode).attachTo((CompletableFuture<?>)result);
        }
        else if (result instanceof CompletionStage)
        {
            ((CompletionStage<?>)result).whenComplete(new CompletionRecorder(seriesId, startNanos, payloadBytes, failureMode));
        }
        else if (result == null || !recorder.recordOnCompletion(result, seriesId, startNanos, payloadBytes, failureMode))
        {
            final long endNanos = System.nanoTime();
            final int error = result == null && failureOn(failureMode) == FAILURE_ON_NULL ? ERROR_RETURNED_NULL : 0;
            if (failureMode >>> STATUS_SHIFT != 0)
            {
                recordStatus(null, false, null, seriesId, startNanos, endNanos, payloadBytes, error, failureMode);
                return;
            }
            recorder.record(seriesId, startNanos, endNanos, payloadBytes, error);
        }
    }

    /** {@code failure_on: null} for a reference return value. */
    public static int failedIfNull(final Object returned)
    {
        return returned == null ? ERROR_RETURNED_NULL : 0;
    }

    /** {@code failure_on: false} for a {@code Boolean} return value. */
    public static int failedIfFalse(final Object returned)
    {
        return Boolean.FALSE.equals(returned) ? ERROR_RETURNED_FALSE : 0;
    }

    /**
     * Payload size of an argument or return value: {@code byte[]} length, a buffer's
     * {@code remaining()}, a {@code CharSequence}'s length, a collection's or map's size, a number's
     * value, or (via the recorder) a public {@code size()}/{@code length()}/{@code readableBytes()}
     * method. {@code null} gives {@link #SIZE_UNKNOWN}.
     */
    public static long sizeOf(final Object value)
    {
        if (value == null)
        {
            return SIZE_UNKNOWN;
        }
        if (value instanceof byte[])
        {
            return ((byte[])value).length;
        }
        if (value instanceof Buffer)
        {
            return ((Buffer)value).remaining();
        }
        if (value instanceof CharSequence)
        {
            return ((CharSequence)value).length();
        }
        if (value instanceof Collection)
        {
            return ((Collection<?>)value).size();
        }
        if (value instanceof Map)
        {
            return ((Map<?, ?>)value).size();
        }
        if (value instanceof Number)
        {
            return ((Number)value).longValue();
        }
        return recorder.sizeOfOther(value);
    }

    /** Sizes below zero (a read at end of stream) are unknown. */
    public static long sizeOf(final long value)
    {
        return value < 0 ? SIZE_UNKNOWN : value;
    }
}
