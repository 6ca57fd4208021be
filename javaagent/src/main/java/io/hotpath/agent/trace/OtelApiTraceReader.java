package io.hotpath.agent.trace;

import io.hotpath.agent.bootstrap.TraceContextReader;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * The span-context reader, compiled against the OpenTelemetry API ({@code provided}: the agent
 * never carries the API). Never loaded by the agent's own class loader: {@link TraceReaders} defines
 * it where the API is — in a small loader under the application's class loader, or, with its
 * {@code io.opentelemetry} references remapped to the OTel Java agent's shaded API, under the
 * bootstrap loader; the hotpath OTel extension loads it as it is (the OTel agent remaps extensions).
 *
 * <p>{@code Span.current()} is a thread-local read; the SDK's span context is an immutable object
 * holding its ids as strings and its flags as a byte, so nothing here allocates. A span that is not
 * sampled counts as none: its trace is never exported, an exemplar pointing at it would lead nowhere.
 */
public final class OtelApiTraceReader implements TraceContextReader
{
    @Override
    public Object currentSpanContext()
    {
        final SpanContext context = Span.current().getSpanContext();
        // Sampled only: an exemplar must lead to a trace the tracing backend actually received.
        return context.isValid() && context.isSampled() ? context : null;
    }

    @Override
    public CharSequence traceId(final Object spanContext)
    {
        return spanContext instanceof SpanContext ? ((SpanContext)spanContext).getTraceId() : null;
    }

    @Override
    public CharSequence spanId(final Object spanContext)
    {
        return spanContext instanceof SpanContext ? ((SpanContext)spanContext).getSpanId() : null;
    }
}
