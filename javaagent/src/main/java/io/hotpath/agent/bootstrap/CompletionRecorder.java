package io.hotpath.agent.bootstrap;

import java.util.concurrent.CompletableFuture;
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
    /** Set by {@link CompletionTimes} inside the future's completion path (0: not seen; the callback reads the clock). */
    private volatile long completedNanos;
    private volatile CompletableFuture<?> watched;

    public CompletionRecorder(final int seriesId, final long startNanos, final long payloadBytes, final int failureMode)
    {
        this.seriesId = seriesId;
        this.startNanos = startNanos;
        this.payloadBytes = payloadBytes;
        this.failureMode = failureMode;
        this.traceContext = HotpathBridge.captureTraceContext();
    }

    /** Watches {@code future}'s completion time, then registers this as its callback. */
    void attachTo(final CompletableFuture<?> future)
    {
        if (!future.isDone())
        {
            watched = future;
            CompletionTimes.watch(future, this);
        }
        future.whenComplete(this);
    }

    void completedAt(final long nanos)
    {
        if (completedNanos == 0)
        {
            completedNanos = nanos;
        }
    }

    @Override
    public void accept(final Object value, final Throwable thrown)
    {
        final long now = System.nanoTime();
        final long seen = completedNanos;
        final long endNanos = seen != 0 && seen <= now ? seen : now;
        final CompletableFuture<?> future = watched;
        if (future != null)
        {
            watched = null;
            CompletionTimes.forget(future);
        }
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
