package io.hotpath.agent.spool;

import io.hotpath.agent.config.RuleConfigParser;
import io.hotpath.agent.it.SpoolReader;
import io.hotpath.agent.record.ErrorTypeRegistry;
import io.hotpath.agent.record.RingRecorder;
import io.hotpath.agent.record.SeriesRegistry;
import io.hotpath.agent.trace.TraceReaders;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The drain writes ring reads straight into queue documents ({@link SampleDocument},
 * {@link SpoolWriter#writeInPlace}): read back the way the daemon reads them, every sample arrives once,
 * in ring order, with its definitions first, traced and untraced samples interleaved, with error
 * types, new series appearing mid-stream, and documents crossing the mapping's chunk boundaries.
 */
class SampleDocumentTest
{
    private static final String RULES = "rules:\n" +
        "  - { type: A, method: a, metric: doc_call, kind: custom, labels: { peer: { arg: 0, max-values: 64 } } }\n";

    @TempDir
    Path spool;

    @Test
    void everySampleOnceInRingOrderWithDefinitionsFirst() throws Exception
    {
        final SeriesRegistry registry = new SeriesRegistry(RuleConfigParser.parse("test rules", RULES));
        final ErrorTypeRegistry errors = new ErrorTypeRegistry();
        // one stripe: one ring order, the order the samples must come back in
        final RingRecorder recorder = new RingRecorder(1 << 20, 1, registry, errors);
        final SdkTracerProvider tracing = SdkTracerProvider.builder().build();
        final Tracer tracer = tracing.get("hotpath-test");
        recorder.traceContextReader(TraceReaders.forApiIn(SampleDocumentTest.class.getClassLoader()));
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        // small batches: many full reads, each its own document
        final SpoolSettings settings = new SpoolSettings(spool, "doc-test", "FAST_HOURLY", 1L << 30, 37,
            TimeUnit.MILLISECONDS.toNanos(200), TimeUnit.MILLISECONDS.toNanos(2), 0L);
        final SpoolDrainer drainer = new SpoolDrainer(recorder, settings, failure::set);
        drainer.start();
        final Throwable[] thrown = { new IllegalStateException(), new IllegalArgumentException(), new UnsupportedOperationException() };
        final List<String> expected = new ArrayList<>();
        final int samples = 6_000;
        for (int i = 0; i < samples; i++)
        {
            // a new label value (a new series) every 200 samples
            final int series = registry.resolve(0, "peer-" + i / 200, null, null);
            final int errorType = i % 7 == 0 ? errors.idOf(thrown[i / 7 % thrown.length]) : 0;
            final long end = System.nanoTime();
            if (i % 5 < 2)
            {
                // runs of two traced samples among untraced ones
                final Span span = tracer.spanBuilder("s").startSpan();
                try (Scope ignored = span.makeCurrent())
                {
                    recorder.record(series, end - 1_000 - i, end, i, errorType);
                    expected.add(i + " peer-" + (i / 200) + " " + span.getSpanContext().getSpanId() + " " +
                        (errorType == 0 ? null : thrown[i / 7 % thrown.length].getClass().getSimpleName()));
                }
                finally
                {
                    span.end();
                }
            }
            else
            {
                recorder.record(series, end - 1_000 - i, end, i, errorType);
                expected.add(i + " peer-" + (i / 200) + " null " +
                    (errorType == 0 ? null : thrown[i / 7 % thrown.length].getClass().getSimpleName()));
            }
            if (i % 500 == 0)
            {
                LockSupport.parkNanos(3_000_000L); // let the drain take part of a run
            }
        }
        drainer.shutdown(30_000);
        tracing.close();
        assertNull(failure.get());

        final SpoolReader reader = SpoolReader.read(SpoolReader.onlyQueue(spool));
        assertEquals(List.of(), reader.violations);
        final List<String> actual = new ArrayList<>();
        for (final SpoolReader.Sample sample : reader.samples)
        {
            assertEquals(1_000 + sample.payloadBytes(), sample.durationNanos());
            actual.add(sample.payloadBytes() + " " + sample.labels().get("peer") + " " + sample.spanId() + " " + sample.errorType());
        }
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++)
        {
            assertEquals(expected.get(i), actual.get(i), "sample " + i);
        }
        final SpoolReader.Stats last = reader.stats.get(reader.stats.size() - 1);
        assertEquals(samples, last.drained());
        assertEquals(0, last.dropped());
        assertTrue(reader.documents < samples / 10, reader.documents + " documents: one per read, not one per batch record");
    }

    @Test
    void documentsWrittenInPlaceCrossChunkBoundariesIntact() throws Exception
    {
        final Path queue = spool.resolve("q");
        final SpoolWriter writer = new SpoolWriter(queue, "FAST_HOURLY", 1L << 40);
        final int longs = 40_000; // 320 KB a document: 64 MB chunks are crossed within ~210 documents
        final int documents = 260;
        final long[] next = { 0 };
        final SpoolWriter.InPlaceContent content = new SpoolWriter.InPlaceContent()
        {
            @Override
            public int write(final UnsafeBuffer document, final SpoolWriter writer)
            {
                for (int i = 0; i < longs; i++)
                {
                    document.putLong(i * 8, next[0]++);
                }
                return longs * 8;
            }

            @Override
            public int samples()
            {
                return 0;
            }
        };
        final SpoolWriter.InPlaceContent nothing = new SpoolWriter.InPlaceContent()
        {
            @Override
            public int write(final UnsafeBuffer document, final SpoolWriter writer)
            {
                return 0;
            }

            @Override
            public int samples()
            {
                return 0;
            }
        };
        for (int d = 0; d < documents; d++)
        {
            assertEquals(longs * 8, writer.writeInPlace(content, longs * 8));
            assertEquals(0, writer.writeInPlace(nothing, 1024), "an empty content writes no document");
        }
        writer.close();

        long expected = 0;
        int read = 0;
        try (ChronicleQueue chronicle = SingleChronicleQueueBuilder.binary(queue).readOnly(true).build())
        {
            final ExcerptTailer tailer = chronicle.createTailer();
            final Bytes<?> bytes = Bytes.allocateElasticOnHeap(longs * 8);
            for (; tailer.readBytes(bytes); bytes.clear(), read++)
            {
                assertEquals(longs * 8, bytes.readRemaining(), "document " + read);
                for (int i = 0; i < longs; i++, expected++)
                {
                    final long value = bytes.readLong();
                    if (value != expected)
                    {
                        fail("document " + read + ", long " + i + ": " + value + ", expected " + expected);
                    }
                }
            }
        }
        assertEquals(documents, read);
    }
}
