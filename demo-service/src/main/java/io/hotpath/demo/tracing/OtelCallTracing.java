package io.hotpath.demo.tracing;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;

/**
 * Spans from the OpenTelemetry API: the global tracer when it makes real spans (the OTel Java agent
 * provides it), else an in-process SDK tracer provider without any exporter — spans are created,
 * sampled and current, and nothing leaves the process.
 */
public final class OtelCallTracing implements CallTracing
{
    private static final String INSTRUMENTATION_SCOPE = "hotpath-demo";

    private final Tracer tracer;
    private final String source;

    public OtelCallTracing()
    {
        final Tracer global = GlobalOpenTelemetry.getTracer(INSTRUMENTATION_SCOPE);
        // A probe span, never ended (so never exported): valid only if a real tracer stands behind the API.
        if (global.spanBuilder("hotpath-demo-probe").startSpan().getSpanContext().isValid())
        {
            tracer = global;
            source = "the global OpenTelemetry (OTel Java agent)";
        }
        else
        {
            tracer = SdkTracerProvider.builder().build().get(INSTRUMENTATION_SCOPE);
            source = "an in-process OpenTelemetry SDK tracer provider (no exporter)";
        }
    }

    @Override
    @SuppressWarnings("MustBeClosedChecker") // the returned CallSpan closes the scope
    public CallSpan start(final String name)
    {
        final Span span = tracer.spanBuilder(name).startSpan();
        final Scope scope = span.makeCurrent();
        final SpanContext context = span.getSpanContext();
        return new CallSpan()
        {
            @Override
            public String traceId()
            {
                return context.getTraceId();
            }

            @Override
            public String spanId()
            {
                return context.getSpanId();
            }

            @Override
            public void close()
            {
                scope.close();
                span.end();
            }
        };
    }

    @Override
    public String source()
    {
        return source;
    }
}
