package io.hotpath.agent.bootstrap;

/**
 * What the bootstrap bridge delegates to: implemented inside the isolated agent class loader (the
 * ring recorder), or {@link #NO_OP} while the agent is not (or no longer) recording.
 *
 * <p>Contract for implementations: {@link #record} is called on application threads and must not
 * allocate, lock, make a system call or throw; the other methods may allocate only the first time
 * they see a value (warm-up), never block, and report full tables by returning an overflow id.
 */
public interface HotpathRecorder
{
    /**
     * Records one sample of a call made on this thread: when an OpenTelemetry span is current here,
     * the sample carries its trace and span id.
     *
     * @param seriesId     from {@link #series} or a rule's static series id; 0 = none (ignored).
     * @param startNanos   {@link System#nanoTime()} at method entry.
     * @param endNanos     {@link System#nanoTime()} at exit or completion.
     * @param payloadBytes size from the rule, or -1 when unknown.
     * @param errorTypeId  0 = ok, else an id from {@link #errorType} or {@link HotpathBridge#ERROR_RETURNED_FALSE} /
     *                     {@link HotpathBridge#ERROR_RETURNED_NULL}.
     */
    void record(int seriesId, long startNanos, long endNanos, long payloadBytes, int errorTypeId);

    /**
     * The span context current on this thread, kept by a call timed to its completion so that its
     * sample, recorded later on whichever thread completes it, carries the caller's trace.
     *
     * @return an opaque token for {@link #recordInContext}, {@code null} when no span is current.
     */
    Object captureTraceContext();

    /**
     * Records one sample as {@link #record} does, but inside the span context captured earlier
     * ({@code null}: untraced), not the one current on this thread.
     */
    void recordInContext(Object traceContext, int seriesId, long startNanos, long endNanos, long payloadBytes, int errorTypeId);

    /** Series id of a rule for the label values taken from up to three arguments. */
    int series(int ruleIndex, Object label0, Object label1, Object label2);

    /** Error type id for a thrown exception (by its class). */
    int errorType(Throwable thrown);

    /** Payload size of a value that is none of the JDK types the bridge knows (by a size()/length() method). */
    long sizeOfOther(Object value);

    /**
     * Times an asynchronous result that is not a {@code CompletionStage} (a Netty future) to its
     * completion.
     *
     * @return {@code false} if this kind of result is not supported; the caller records at once.
     */
    boolean recordOnCompletion(Object result, int seriesId, long startNanos, long payloadBytes, int failureMode);

    /** A throwable was caught inside advice: count it, log the first one. */
    void adviceError(Throwable thrown);

    /** Records nothing: the state before the agent starts and after it gave up. */
    HotpathRecorder NO_OP = new HotpathRecorder()
    {
        @Override
        public void record(final int seriesId, final long startNanos, final long endNanos, final long payloadBytes,
            final int errorTypeId)
        {
        }

        @Override
        public Object captureTraceContext()
        {
            return null;
        }

        @Override
        public void recordInContext(final Object traceContext, final int seriesId, final long startNanos, final long endNanos,
            final long payloadBytes, final int errorTypeId)
        {
        }

        @Override
        public int series(final int ruleIndex, final Object label0, final Object label1, final Object label2)
        {
            return 0;
        }

        @Override
        public int errorType(final Throwable thrown)
        {
            return 0;
        }

        @Override
        public long sizeOfOther(final Object value)
        {
            return -1;
        }

        @Override
        public boolean recordOnCompletion(
            final Object result, final int seriesId, final long startNanos, final long payloadBytes, final int failureMode)
        {
            return true;
        }

        @Override
        public void adviceError(final Throwable thrown)
        {
        }
    };
}
