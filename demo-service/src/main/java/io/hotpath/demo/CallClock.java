package io.hotpath.demo;

/**
 * The demo's own timing of its instrumented methods, taken inside their bodies: each method reads
 * {@link #start()} first and calls {@link #stop(long)} in a {@code finally}, and the caller reads
 * {@link #lastCallNanos()} after the call returns or throws.
 *
 * <p>Why inside: hotpath's advice is inlined around the body and times exactly that; the advice's
 * own work outside its timed span (label lookup and payload sizing before the first
 * {@code nanoTime}, the ring write after the second) is the agent's overhead, not the call's
 * latency. A timing taken around the call by the caller contains that overhead — tens of ns in
 * steady state, but µs on a loaded machine and tens of µs while a rarely called method still runs
 * interpreted — and so would differ from the daemon's numbers by the agent's cost rather than by
 * any error of the pipeline. Timed inside, the demo's span is the advice's minus two
 * {@code nanoTime} reads and a thread-local store (tens of ns).
 *
 * <p>One timed call at a time per thread (the demo's methods do not nest).
 */
public final class CallClock
{
    private static final ThreadLocal<long[]> LAST = ThreadLocal.withInitial(() -> new long[1]);

    private CallClock()
    {
    }

    /** The start of a timed body. */
    public static long start()
    {
        return System.nanoTime();
    }

    /** The end of a timed body (call it in a {@code finally}). */
    public static void stop(final long startNanos)
    {
        final long end = System.nanoTime();
        LAST.get()[0] = end - startNanos;
    }

    /** The duration of this thread's last timed body, in nanoseconds. */
    public static long lastCallNanos()
    {
        return LAST.get()[0];
    }
}
