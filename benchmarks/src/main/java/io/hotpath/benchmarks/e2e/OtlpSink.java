package io.hotpath.benchmarks.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local OTLP/HTTP trace receiver that accepts and discards: what the OpenTelemetry agent exports
 * to in the end-to-end comparison, so that its exporter does its real work (batching, protobuf
 * encoding, an HTTP request) without a collector's cost landing on the measured machine. It counts
 * requests, bytes and spans (walking the protobuf just enough: ExportTraceServiceRequest field 1
 * ResourceSpans → field 2 ScopeSpans → field 2 Span), so the report shows how many of the calls
 * OpenTelemetry actually exported.
 */
final class OtlpSink implements AutoCloseable
{
    private final HttpServer server;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r ->
    {
        final Thread thread = new Thread(r, "otlp-sink");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong spans = new AtomicLong();
    private final AtomicLong undecodable = new AtomicLong();

    OtlpSink() throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String tracesEndpoint()
    {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    private void handle(final HttpExchange exchange) throws IOException
    {
        try (exchange; InputStream in = exchange.getRequestBody())
        {
            final byte[] body = in.readAllBytes();
            requests.incrementAndGet();
            bytes.addAndGet(body.length);
            try
            {
                spans.addAndGet(countSpans(body));
            }
            catch (final RuntimeException e)
            {
                undecodable.incrementAndGet();
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
        }
    }

    /** Resets the counters (between runs). */
    void reset()
    {
        requests.set(0);
        bytes.set(0);
        spans.set(0);
        undecodable.set(0);
    }

    long requests()
    {
        return requests.get();
    }

    long bytes()
    {
        return bytes.get();
    }

    long spans()
    {
        return spans.get();
    }

    long undecodable()
    {
        return undecodable.get();
    }

    static long countSpans(final byte[] request)
    {
        long count = 0;
        final Protobuf resources = new Protobuf(request, 0, request.length);
        while (resources.next())
        {
            if (resources.field() == 1 && resources.isLengthDelimited())
            {
                final Protobuf scopes = resources.message();
                while (scopes.next())
                {
                    if (scopes.field() == 2 && scopes.isLengthDelimited())
                    {
                        final Protobuf spanList = scopes.message();
                        while (spanList.next())
                        {
                            if (spanList.field() == 2 && spanList.isLengthDelimited())
                            {
                                count++;
                            }
                        }
                    }
                }
            }
        }
        return count;
    }

    /** Just enough of the protobuf wire format to walk fields. */
    private static final class Protobuf
    {
        private final byte[] data;
        private int position;
        private final int end;
        private int tag;
        private int valueStart;
        private int valueEnd;

        Protobuf(final byte[] data, final int start, final int end)
        {
            this.data = data;
            this.position = start;
            this.end = end;
        }

        boolean next()
        {
            if (position >= end)
            {
                return false;
            }
            tag = (int)varint();
            switch (tag & 7)
            {
                case 0 -> varint();
                case 1 -> position += 8;
                case 2 ->
                {
                    final int length = (int)varint();
                    if (length < 0 || position + length > end)
                    {
                        throw new IllegalArgumentException("bad length");
                    }
                    valueStart = position;
                    valueEnd = position + length;
                    position = valueEnd;
                }
                case 5 -> position += 4;
                default -> throw new IllegalArgumentException("unsupported wire type " + (tag & 7));
            }
            if (position > end)
            {
                throw new IllegalArgumentException("truncated");
            }
            return true;
        }

        int field()
        {
            return tag >>> 3;
        }

        boolean isLengthDelimited()
        {
            return (tag & 7) == 2;
        }

        Protobuf message()
        {
            return new Protobuf(data, valueStart, valueEnd);
        }

        private long varint()
        {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                if (position >= end)
                {
                    throw new IllegalArgumentException("truncated varint");
                }
                final byte b = data[position++];
                value |= (long)(b & 0x7f) << shift;
                if (b >= 0)
                {
                    return value;
                }
            }
            throw new IllegalArgumentException("varint too long");
        }
    }

    @Override
    public void close()
    {
        server.stop(0);
        executor.shutdownNow();
    }
}
