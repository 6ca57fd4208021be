package io.hotpath.agent.bootstrap;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;

/**
 * Completion callback of an asynchronous call: records the sample when the returned stage
 * completes. One small object per asynchronous call is the price of timing to completion. It keeps
 * the span context current when the call was made: the stage may complete on any thread.
 */
public final class CompletionRecorder implements BiConsumer<Object, Throwable>
{
    private final int seriesId;
    private final long startNanos;
    private final long payloadBytes;
    private final int failureMode;
    private final Object traceContext;

    public CompletionRecorder(final int seriesId, final long startNanos, final long payloadBytes, final int failureMode)
    {
        this.seriesId = seriesId;
        this.startNanos = startNanos;
        this.payloadBytes = payloadBytes;
        this.failureMode = failureMode;
        this.traceContext = HotpathBridge.captureTraceContext();
    }

    @Override
    public void accept(final Object value, final Throwable thrown)
    {
        final long endNanos = System.nanoTime();
        try
        {
            final int error;
            if (thrown != null)
            {
                error = HotpathBridge.errorType(unwrap(thrown));
            }
            else if (HotpathBridge.failureOn(failureMode) == HotpathBridge.FAILURE_ON_NULL)
            {
                error = HotpathBridge.failedIfNull(value);
            }
            else if (HotpathBridge.failureOn(failureMode) == HotpathBridge.FAILURE_ON_FALSE)
            {
                error = HotpathBridge.failedIfFalse(value);
            }
            else
            {
                error = 0;
            }
            if (failureMode >>> HotpathBridge.STATUS_SHIFT != 0)
            {
                HotpathBridge.recordStatus(traceContext, true, thrown == null ? value : null, seriesId, startNanos, endNanos,
                    payloadBytes, error, failureMode);
                return;
            }
            HotpathBridge.recordInContext(traceContext, seriesId, startNanos, endNanos, payloadBytes, error);
        }
        catch (final Throwable t)
        {
            HotpathBridge.adviceError(t);
        }
    }

    /** The exception that made an asynchronous call fail, without its completion wrappers. */
    public static Throwable unwrap(final Throwable thrown)
    {
        Throwable t = thrown;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null)
        {
            t = t.getCause();
        }
        return t;
    }
}
