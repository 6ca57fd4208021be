package io.hotpath.agent.trace;

import io.hotpath.agent.AgentMain;
import io.hotpath.agent.InProcessAgent;
import io.hotpath.agent.bootstrap.HotpathBridge;
import io.hotpath.agent.bootstrap.TraceContextReader;
import io.hotpath.agent.it.SpoolReader;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.nio.charset.StandardCharsets;

/**
 * Trace capture on the record path with the real OpenTelemetry SDK creating spans: the reader is
 * defined from the agent's class file next to the API (as under the agent), samples inside a span
 * reach the queue as traced entries with that span's ids, samples outside (or in an unsampled span) stay untraced, a call
 * timed to completion keeps its caller's span, and the traced record path allocates nothing.
 */
class TraceCaptureTest
{
    private static final String RULES = "rules:\n  - { type: A, method: a, metric: traced_call, kind: custom }\n";

    @TempDir
    Path spool;

    private SdkTracerProvider tracerProvider;
    private Tracer tracer;
    private AgentMain.Running agent;
    private int series;

    @BeforeEach
    void start() throws Exception
    {
        tracerProvider = SdkTracerProvider.builder().build();
        tracer = tracerProvider.get("hotpath-test");
        agent = InProcessAgent.start(Map.of("spool.dir", spool.toString(), "service.name", "traced"), RULES);
        series = agent.recorder().seriesRegistry().staticSeries(0);
        final TraceContextReader reader = TraceReaders.forApiIn(TraceCaptureTest.class.getClassLoader());
        assertNotNull(reader, "the OpenTelemetry API is on the test class path");
        assertTrue(reader.getClass().getClassLoader() != TraceCaptureTest.class.getClassLoader(),
            "the reader is defined in its own loader, from the agent's class file");
        agent.recorder().traceContextReader(reader);
    }

    @AfterEach
    void stop()
    {
        if (agent != null)
        {
            agent.close();
        }
        tracerProvider.close();
    }

    @Test
    void samplesInsideASpanCarryItsIdsAndOthersNone() throws Exception
    {
        final List<String> expectedTraced = new ArrayList<>();
        final CompletableFuture<Object> completion = new CompletableFuture<>();
        final Span outer = tracer.spanBuilder("outer").startSpan();
        try (Scope ignored = outer.makeCurrent())
        {
            for (int i = 0; i < 3; i++)
            {
                final Span inner = tracer.spanBuilder("inner").startSpan();
                try (Scope alsoIgnored = inner.makeCurrent())
                {
                    final long start = System.nanoTime();
                    HotpathBridge.record(series, start, start + 1_000 + i, 10 + i, 0);
                    expectedTraced.add(inner.getSpanContext().getTraceId() + "/" + inner.getSpanContext().getSpanId() + "/" + (10 + i));
                }
                finally
                {
                    inner.end();
                }
            }
            // Timed to completion: completed on another thread after the scope closed.
            HotpathBridge.recordOnCompletion(completion, series, System.nanoTime(), 99, HotpathBridge.FAILURE_ON_NOTHING);
            expectedTraced.add(outer.getSpanContext().getTraceId() + "/" + outer.getSpanContext().getSpanId() + "/99");
        }
        finally
        {
            outer.end();
        }
        final Thread completer = new Thread(() -> completion.complete("done"));
        completer.start();
        completer.join();
        final Span invalid = Span.getInvalid();
        try (Scope ignored = invalid.makeCurrent())
        {
            final long start = System.nanoTime();
            HotpathBridge.record(series, start, start + 5, 7, 0);
        }
        final long start = System.nanoTime();
        HotpathBridge.record(series, start, start + 5, 8, 0);
        try (SdkTracerProvider unsampling = SdkTracerProvider.builder().setSampler(Sampler.alwaysOff()).build())
        {
            final Span notSampled = unsampling.get("hotpath-test").spanBuilder("dropped").startSpan();
            assertTrue(notSampled.getSpanContext().isValid());
            try (Scope ignored = notSampled.makeCurrent())
            {
                HotpathBridge.record(series, start, start + 5, 9, 0);
            }
        }
        agent.close();
        agent = null;

        final SpoolReader reader = SpoolReader.read(SpoolReader.onlyQueue(spool));
        assertEquals(List.of(), reader.violations);
        assertEquals(7, reader.samples.size());
        assertEquals(expectedTraced.stream().sorted().toList(), reader.samples.stream()
            .filter(s -> s.traceId() != null)
            .map(s -> s.traceId() + "/" + s.spanId() + "/" + s.payloadBytes())
            .sorted().collect(Collectors.toList()));
        for (final SpoolReader.Sample sample : reader.samples)
        {
            if (sample.payloadBytes() == 7 || sample.payloadBytes() == 8 || sample.payloadBytes() == 9)
            {
                assertNull(sample.traceId(), "outside a valid, sampled span: untraced");
            }
        }
    }

    @Test
    void tracedRecordPathAllocatesNothing()
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        final Span span = tracer.spanBuilder("hot").startSpan();
        try (Scope ignored = span.makeCurrent())
        {
            loop(20_000);
            final int calls = 200_000;
            final long before = threads.getThreadAllocatedBytes(threadId);
            loop(calls);
            final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
            // One allocation per call would be >= 16 B x 200 000 = 3.2 MB. A few KB are fixed costs that do
            // not scale with calls (the measurement itself, a deoptimisation under load): allow < 0.1 B/call.
            assertTrue(allocated < calls / 10, allocated + " bytes allocated over " + calls + " traced records");
        }
        finally
        {
            span.end();
        }
        assertTrue(agent.recorder().recorded() + agent.recorder().dropped() >= 220_000);
    }

    private void loop(final int calls)
    {
        for (int i = 0; i < calls; i++)
        {
            final long start = System.nanoTime();
            HotpathBridge.record(series, start, System.nanoTime(), 64, 0);
        }
    }

    @Test
    void theOtelAgentVariantReferencesOnlyTheAgentsShadedApi() throws Exception
    {
        final String constants = new String(TraceReaders.remapToOtelAgentApi(TraceReaders.readerClassFile()),
            StandardCharsets.ISO_8859_1);
        assertTrue(constants.contains("io/opentelemetry/javaagent/shaded/io/opentelemetry/api/trace/Span"));
        assertTrue(constants.contains("io/opentelemetry/javaagent/shaded/io/opentelemetry/api/trace/SpanContext"));
        assertEquals(-1, constants.replace("io/opentelemetry/javaagent/shaded/io/opentelemetry/", "").indexOf("io/opentelemetry/"),
            "no reference to the application's API is left");
        assertTrue(constants.contains("io/hotpath/agent/bootstrap/TraceContextReader"));
    }
}
