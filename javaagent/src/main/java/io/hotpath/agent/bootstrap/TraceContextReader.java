package io.hotpath.agent.bootstrap;

/**
 * Reads the current OpenTelemetry span context for the recorder, without the agent linking against
 * any OpenTelemetry API: the implementation is a small class compiled against the API and defined
 * where that API is visible (the application's class loader, or, remapped to the OTel Java agent's
 * shaded API, next to the bootstrap loader). This interface lives in the bootstrap loader so that
 * both sides see the same type.
 *
 * <p>Contract: called on application threads for every sample while a reader is installed; no
 * method allocates, locks or throws. The span context object is the API's own (immutable) instance,
 * passed back unchanged, and the ids are the API's own strings: 32 and 16 lower-case hex digits.
 */
public interface TraceContextReader
{
    /** The span context of the span current on this thread, or {@code null} when none is, or it is invalid or not sampled. */
    Object currentSpanContext();

    /** The trace id of a context {@link #currentSpanContext} returned, or {@code null} for any other object. */
    CharSequence traceId(Object spanContext);

    /** The span id of a context {@link #currentSpanContext} returned, or {@code null} for any other object. */
    CharSequence spanId(Object spanContext);
}
