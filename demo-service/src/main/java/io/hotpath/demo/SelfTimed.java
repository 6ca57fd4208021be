package io.hotpath.demo;

/**
 * A demo service whose instrumented methods time themselves, for the demo's exact results
 * ({@code --results}) that hotpath's numbers are checked against.
 */
public abstract class SelfTimed
{
    /**
     * Duration of the last call of an instrumented method of this instance, timed inside the method's
     * body: its first and last statements read {@code System.nanoTime()}, the span hotpath's inlined
     * advice times, which wraps it with nothing in between that calls out (so no safepoint poll, no
     * thread-local lookup, no label or size work of the advice): the last statement assigns this field
     * itself, no method. Timed around the call by the caller, it would also hold the advice's own work
     * outside its timed span: the agent's overhead, not the call's latency. An instance serves one
     * thread at a time, which reads it after its call returned or threw.
     */
    protected long lastCallNanos;

    /** See {@link #lastCallNanos}'s field: the last call's duration, timed inside the method. */
    public final long lastCallNanos()
    {
        return lastCallNanos;
    }
}
