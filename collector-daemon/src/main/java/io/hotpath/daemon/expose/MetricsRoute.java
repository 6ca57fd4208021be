package io.hotpath.daemon.expose;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: picks the format from {@code Accept} (protobuf with native histograms,
 * OpenMetrics, else Prometheus text 0.0.4) and gzip from {@code Accept-Encoding}, and answers with
 * the bytes {@link MetricsRenderer} rendered at the last rotation. A format nobody asked for lately
 * is rendered at the next rotation; the scrape waits for it up to {@link #FORMAT_WAIT_MILLIS}, then
 * gets Prometheus text.
 */
final class MetricsRoute implements DeferredRoute
{
    /** How long the first OpenMetrics or protobuf scrape after an idle period waits for a rotation to render it. */
    static final long FORMAT_WAIT_MILLIS = DaemonRoutes.OPENMETRICS_WAIT_MILLIS;

    private final MetricsRenderer metrics;
    private final ScrapeStats scrapeStats;
    private final LongSupplier clock;
    private final BooleanSupplier servingCounters;
    private final Supplier<List<String>> catchingUpQueues;

    MetricsRoute(final MetricsRenderer metrics, final ScrapeStats scrapeStats, final LongSupplier clock,
        final BooleanSupplier servingCounters, final Supplier<List<String>> catchingUpQueues)
    {
        this.metrics = metrics;
        this.scrapeStats = scrapeStats;
        this.clock = clock;
        this.servingCounters = servingCounters;
        this.catchingUpQueues = catchingUpQueues;
    }

    @Override
    public CompletionStage<FullHttpResponse> handleLater(final FullHttpRequest request, final ByteBufAllocator allocator,
        final Executor eventLoop)
    {
        final long started = System.nanoTime();
        if (!servingCounters.getAsBoolean())
        {
            final FullHttpResponse response = Responses.text(HttpResponseStatus.SERVICE_UNAVAILABLE,
                "catching up after the start: reading " + catchingUpQueues.get() + " to their end before serving " +
                "counters, so that none reads lower than before the restart\n");
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            return CompletableFuture.completedFuture(response);
        }
        final String accept = request.headers().get(HttpHeaderNames.ACCEPT, "");
        final boolean gzip = acceptsGzip(request.headers().get(HttpHeaderNames.ACCEPT_ENCODING, ""));
        final long now = clock.getAsLong();
        if (gzip)
        {
            metrics.gzipAsked(now);
        }
        if (acceptsProtobuf(accept))
        {
            return metrics.protobuf(now)
                .orTimeout(FORMAT_WAIT_MILLIS, TimeUnit.MILLISECONDS)
                .handleAsync((rendered, failure) ->
                {
                    final RenderedMetrics served = rendered != null ? rendered : metrics.latest();
                    return served.protobuf() != null
                        ? respond(ProtobufMetricWriter.CONTENT_TYPE, gzip ? served.protobufGzipped() : served.protobuf(), gzip, started)
                        : text(served, false, gzip, started);
                }, eventLoop);
        }
        if (!accept.contains("application/openmetrics-text"))
        {
            final CompletableFuture<RenderedMetrics> prometheusText = metrics.text(now);
            if (prometheusText.isDone() && !prometheusText.isCompletedExceptionally())
            {
                return CompletableFuture.completedFuture(text(prometheusText.join(), false, gzip, started));
            }
            // the first scrape after an idle spell: rendered for it (MetricsRenderer.renderOnlyWhenAsked)
            return prometheusText.orTimeout(FORMAT_WAIT_MILLIS, TimeUnit.MILLISECONDS)
                .handleAsync((rendered, failure) -> text(rendered != null ? rendered : metrics.latest(), false, gzip, started),
                    eventLoop);
        }
        return metrics.openMetrics(now)
            .orTimeout(FORMAT_WAIT_MILLIS, TimeUnit.MILLISECONDS)
            .handleAsync((rendered, failure) ->
            {
                final RenderedMetrics served = rendered != null ? rendered : metrics.latest();
                return text(served, served.openMetricsText() != null, gzip, started);
            }, eventLoop);
    }

    private FullHttpResponse text(final RenderedMetrics rendered, final boolean openMetrics, final boolean gzip,
        final long started)
    {
        final String contentType = openMetrics ? TextMetricWriter.OPENMETRICS_CONTENT_TYPE : TextMetricWriter.PROMETHEUS_CONTENT_TYPE;
        // Compressed once per rendering (usually in the background, ahead of this scrape).
        final byte[] body = gzip ? rendered.gzipped(openMetrics) : openMetrics ? rendered.openMetricsText() : rendered.prometheusText();
        return respond(contentType, body, gzip, started);
    }

    /** With gzip, the Content-Encoding header makes the pipeline's HttpContentCompressor pass the body through. */
    private FullHttpResponse respond(final String contentType, final byte[] body, final boolean gzip, final long started)
    {
        final FullHttpResponse response = Responses.bytes(HttpResponseStatus.OK, contentType, body);
        if (gzip)
        {
            response.headers().set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
        }
        response.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
        scrapeStats.recordScrape(System.nanoTime() - started);
        return response;
    }

    /**
     * Whether {@code Accept} asks for the protobuf exposition (Prometheus with native histograms
     * enabled lists it first, with the highest q).
     */
    static boolean acceptsProtobuf(final String accept)
    {
        for (final String range : accept.split(","))
        {
            final String normalized = range.replace(" ", "").toLowerCase(Locale.ROOT);
            if (normalized.startsWith("application/vnd.google.protobuf") && normalized.contains("proto=io.prometheus.client.metricfamily")
                && normalized.contains("encoding=delimited") && !normalized.matches(".*;q=0(\\.0*)?(;.*|$)"))
            {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code Accept-Encoding} lists gzip (without {@code q=0}). */
    static boolean acceptsGzip(final String acceptEncoding)
    {
        for (final String coding : acceptEncoding.split(","))
        {
            final String[] parts = coding.trim().split(";");
            if (parts[0].trim().equalsIgnoreCase("gzip") || parts[0].trim().equals("*"))
            {
                for (int i = 1; i < parts.length; i++)
                {
                    final String parameter = parts[i].replace(" ", "");
                    if (parameter.startsWith("q=") && Double.parseDouble("0" + parameter.substring(2).replaceAll("[^0-9.]", "")) == 0)
                    {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }
}
