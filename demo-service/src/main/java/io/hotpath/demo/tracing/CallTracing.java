package io.hotpath.demo.tracing;

/**
 * Wraps each demo call in a span of its own ({@code --otel-spans}), or does nothing. The demo runs
 * without OpenTelemetry on its class path; only {@link OtelCallTracing}, loaded by name when the
 * option is given, uses the OpenTelemetry API.
 */
public interface CallTracing
{
    /** A span around one call, current on the calling thread until {@link #close}. */
    interface CallSpan extends AutoCloseable
    {
        /** 32 hex digits, or {@code null} when not tracing. */
        String traceId();

        /** 16 hex digits, or {@code null} when not tracing. */
        String spanId();

        /** Leaves the span's scope and ends it. */
        @Override
        void close();

        CallSpan NONE = new CallSpan()
        {
            @Override
            public String traceId()
            {
                return null;
            }

            @Override
            public String spanId()
            {
                return null;
            }

            @Override
            public void close()
            {
            }
        };
    }

    /** Starts a span named {@code name} and makes it current. */
    CallSpan start(String name);

    /** Where the spans come from, for the demo's start line. */
    String source();

    CallTracing NONE = new CallTracing()
    {
        @Override
        public CallSpan start(final String name)
        {
            return CallSpan.NONE;
        }

        @Override
        public String source()
        {
            return "none";
        }
    };

    /**
     * The OpenTelemetry tracing of {@link OtelCallTracing}.
     *
     * @throws IllegalStateException when the OpenTelemetry API is not on the class path.
     */
    static CallTracing openTelemetry()
    {
        try
        {
            return (CallTracing)Class.forName("io.hotpath.demo.tracing.OtelCallTracing").getConstructor().newInstance();
        }
        catch (final NoClassDefFoundError | ReflectiveOperationException e)
        {
            final Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("--otel-spans needs the OpenTelemetry API on the class path (and the OTel Java " +
                "agent, or the OpenTelemetry SDK): " + cause, cause);
        }
    }
}
