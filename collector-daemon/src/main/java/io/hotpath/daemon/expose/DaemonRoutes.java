package io.hotpath.daemon.expose;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.aggregate.Quantiles;
import io.hotpath.daemon.aggregate.SeriesSnapshot;
import io.hotpath.daemon.aggregate.WindowTiers;
import io.hotpath.daemon.tail.SpoolTailers;
import io.hotpath.wire.TraceIds;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The daemon's own endpoints: {@code /metrics}, {@code /health}, {@code /metrics/summary},
 * {@code /api/series}. Each reads only published immutable snapshots.
 */
public final class DaemonRoutes
{
    /** Readiness fails when the last rotation is older than this (the aggregation thread is stuck). */
    static final long READY_MAX_ROTATION_AGE_MILLIS = 5_000;

    /** How long the first OpenMetrics scrape after an idle period waits for a rotation to render it; then: Prometheus text. */
    static final long OPENMETRICS_WAIT_MILLIS = 3_000;

    private final MetricsRenderer metrics;
    private final Supplier<AggregateSnapshot> snapshot;
    private final Supplier<List<SpoolTailers.QueueStatus>> queues;
    private final ScrapeStats scrapeStats;
    private final LongSupplier clock;
    private java.util.function.BooleanSupplier servingCounters = () -> true;
    private Supplier<List<String>> catchingUpQueues = List::of;
    private final Map<String, Supplier<Object>> healthSections = new LinkedHashMap<>();

    public DaemonRoutes(
        final MetricsRenderer metrics,
        final Supplier<AggregateSnapshot> snapshot,
        final Supplier<List<SpoolTailers.QueueStatus>> queues,
        final ScrapeStats scrapeStats,
        final LongSupplier clock)
    {
        this.metrics = metrics;
        this.snapshot = snapshot;
        this.queues = queues;
        this.scrapeStats = scrapeStats;
        this.clock = clock;
    }

    /**
     * Until {@code serving} is true (after a start, while the counters do not yet include what a
     * previous process served: {@link io.hotpath.daemon.state.RestartCatchUp}) {@code /metrics}
     * answers 503 and {@code /health} is not ready, naming the queues still being read.
     */
    public DaemonRoutes servingCountersWhen(final java.util.function.BooleanSupplier serving, final Supplier<List<String>> pendingQueues)
    {
        this.servingCounters = serving;
        this.catchingUpQueues = pendingQueues;
        return this;
    }

    /** Adds {@code name} to the {@code /health} JSON, its value from {@code section} at each request. */
    public DaemonRoutes healthSection(final String name, final Supplier<Object> section)
    {
        healthSections.put(name, section);
        return this;
    }

    public Routes register(final Routes routes)
    {
        return routes
            .get("/metrics", (DeferredRoute)(request, allocator, eventLoop) ->
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
                        .orTimeout(OPENMETRICS_WAIT_MILLIS, TimeUnit.MILLISECONDS)
                        .handleAsync((rendered, failure) ->
                        {
                            final MetricsRenderer.RenderedMetrics served = rendered != null ? rendered : metrics.latest();
                            return served.protobuf() != null ? protobufResponse(served, gzip, started)
                                : metricsResponse(served, false, gzip, started);
                        }, eventLoop);
                }
                if (!accept.contains("application/openmetrics-text"))
                {
                    final CompletableFuture<MetricsRenderer.RenderedMetrics> text = metrics.text(now);
                    if (text.isDone() && !text.isCompletedExceptionally())
                    {
                        return CompletableFuture.completedFuture(metricsResponse(text.join(), false, gzip, started));
                    }
                    // the first scrape after an idle spell: the next rotation renders (MetricsRenderer.renderOnlyWhenAsked)
                    return text.orTimeout(OPENMETRICS_WAIT_MILLIS, TimeUnit.MILLISECONDS)
                        .handleAsync((rendered, failure) -> metricsResponse(rendered != null ? rendered : metrics.latest(), false, gzip, started),
                            eventLoop);
                }
                return metrics.openMetrics(now)
                    .orTimeout(OPENMETRICS_WAIT_MILLIS, TimeUnit.MILLISECONDS)
                    .handleAsync((rendered, failure) ->
                    {
                        final MetricsRenderer.RenderedMetrics served = rendered != null ? rendered : metrics.latest();
                        return metricsResponse(served, served.openMetricsText() != null, gzip, started);
                    }, eventLoop);
            })
            .get("/health", (request, allocator) ->
            {
                final Map<String, Object> health = health();
                final boolean ready = Boolean.TRUE.equals(health.get("ready"));
                return Responses.json(ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, health, allocator);
            })
            .get("/metrics/summary", (request, allocator) -> Responses.json(HttpResponseStatus.OK, summary(), allocator))
            .get("/api/series", (request, allocator) -> Responses.json(HttpResponseStatus.OK, series(), allocator));
    }

    private FullHttpResponse metricsResponse(
        final MetricsRenderer.RenderedMetrics rendered, final boolean openMetrics, final boolean gzip, final long started)
    {
        final String contentType = openMetrics ? TextMetricWriter.OPENMETRICS_CONTENT_TYPE : TextMetricWriter.PROMETHEUS_CONTENT_TYPE;
        final FullHttpResponse response;
        if (gzip)
        {
            // Compressed once per rendering (usually in the background, ahead of this scrape); the
            // Content-Encoding header makes the pipeline's HttpContentCompressor pass it through.
            response = Responses.bytes(HttpResponseStatus.OK, contentType, rendered.gzipped(openMetrics));
            response.headers().set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
        }
        else
        {
            response = Responses.bytes(HttpResponseStatus.OK, contentType, openMetrics ? rendered.openMetricsText() : rendered.prometheusText());
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
            final String normalized = range.replace(" ", "").toLowerCase(java.util.Locale.ROOT);
            if (normalized.startsWith("application/vnd.google.protobuf") && normalized.contains("proto=io.prometheus.client.metricfamily")
                && normalized.contains("encoding=delimited") && !normalized.matches(".*;q=0(\\.0*)?(;.*|$)"))
            {
                return true;
            }
        }
        return false;
    }

    private FullHttpResponse protobufResponse(final MetricsRenderer.RenderedMetrics rendered, final boolean gzip, final long started)
    {
        final FullHttpResponse response;
        if (gzip)
        {
            response = Responses.bytes(HttpResponseStatus.OK, ProtobufMetricWriter.CONTENT_TYPE, rendered.protobufGzipped());
            response.headers().set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
        }
        else
        {
            response = Responses.bytes(HttpResponseStatus.OK, ProtobufMetricWriter.CONTENT_TYPE, rendered.protobuf());
        }
        response.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
        scrapeStats.recordScrape(System.nanoTime() - started);
        return response;
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

    Map<String, Object> health()
    {
        final long now = clock.getAsLong();
        final AggregateSnapshot last = snapshot.get();
        final long rotationAge = now - last.rotatedAtEpochMillis();
        final boolean rotated = last.intervalStartEpochMillis() > 0;
        final boolean catchingUp = !servingCounters.getAsBoolean();
        final boolean ready = rotated && rotationAge <= READY_MAX_ROTATION_AGE_MILLIS && !catchingUp;
        final List<SpoolTailers.QueueStatus> statuses = queues.get();
        int tailed = 0;
        int finished = 0;
        int refused = 0;
        int quarantined = 0;
        double maxLag = 0;
        final List<Map<String, Object>> list = new ArrayList<>();
        for (final SpoolTailers.QueueStatus queue : statuses)
        {
            tailed += queue.active() ? 1 : 0;
            finished += queue.finished() ? 1 : 0;
            refused += queue.problem() != null ? 1 : 0;
            maxLag = Math.max(maxLag, queue.lagSeconds());
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("queue", queue.queue());
            entry.put("service", queue.service());
            entry.put("state", queue.state() != null ? queue.state() :
                queue.problem() != null ? "refused" : queue.finished() ? "finished" : "tailing");
            if (queue.problem() != null)
            {
                entry.put("problem", queue.problem());
            }
            if (queue.problemDetail() != null)
            {
                entry.put("detail", queue.problemDetail());
            }
            quarantined += "quarantined".equals(queue.state()) ? 1 : 0;
            if (queue.samples() != null)
            {
                entry.put("samples", sampleAccount(queue.samples()));
            }
            entry.put("documentsRead", queue.documentsRead());
            entry.put("lagSeconds", queue.lagSeconds());
            list.add(entry);
        }
        final Map<String, Object> health = new LinkedHashMap<>();
        health.put("live", true);
        health.put("ready", ready);
        health.put("status", ready ? (refused > 0 ? "degraded" : "ok") : catchingUp ? "catching_up" : "starting_or_stalled");
        if (catchingUp)
        {
            health.put("catchingUpQueues", catchingUpQueues.get());
        }
        final Map<String, Object> rotation = new LinkedHashMap<>();
        rotation.put("lastEpochMillis", last.rotatedAtEpochMillis());
        rotation.put("ageSeconds", rotationAge / 1000.0);
        rotation.put("durationSeconds", last.rotationDurationNanos() / 1e9);
        health.put("lastRotation", rotation);
        final Map<String, Object> queueSummary = new LinkedHashMap<>();
        queueSummary.put("tailed", tailed);
        queueSummary.put("finished", finished);
        queueSummary.put("refused", refused);
        queueSummary.put("quarantined", quarantined);
        queueSummary.put("maxLagSeconds", maxLag);
        queueSummary.put("list", list);
        health.put("queues", queueSummary);
        health.put("series", last.series().size());
        final Map<String, Object> http = new LinkedHashMap<>();
        http.put("connections", scrapeStats.connectionsOpen());
        http.put("connectionLimit", scrapeStats.connectionLimit());
        final Map<String, Object> closed = new LinkedHashMap<>();
        for (final String reason : ScrapeStats.CLOSED_REASONS)
        {
            closed.put(reason, scrapeStats.connectionsClosed(reason));
        }
        http.put("closed", closed);
        health.put("http", http);
        healthSections.forEach((name, section) -> health.put(name, section.get()));
        final List<String> elsewhere = io.hotpath.daemon.tail.StraySpools.elsewhere();
        if (!elsewhere.isEmpty())
        {
            health.put("agentsWritingElsewhere", Map.of("paths", elsewhere, "message", "an agent on this host writes elsewhere: " +
                String.join(", ", elsewhere) + " (its spool directory was not writable for its user; the agent's log names the fix)"));
        }
        return health;
    }

    /** One queue's samples: counted and lost now, and at its agent's last AGENT_STATS the agent's written beside ours. */
    private static Map<String, Object> sampleAccount(final SpoolTailers.SampleAccount samples)
    {
        final Map<String, Object> account = new LinkedHashMap<>();
        account.put("counted", samples.counted());
        account.put("lost", samples.lost());
        account.put("bytesSkipped", samples.bytesSkipped());
        account.put("documentsSkipped", samples.documentsSkipped());
        if (samples.writtenAtStats() >= 0)
        {
            final Map<String, Object> atStats = new LinkedHashMap<>();
            atStats.put("written", samples.writtenAtStats());
            atStats.put("counted", samples.countedAtStats());
            atStats.put("lost", samples.lostAtStats());
            atStats.put("unexplained", samples.unexplainedAtStats());
            account.put("atLastAgentStats", atStats);
        }
        return account;
    }

    Map<String, Object> summary()
    {
        final AggregateSnapshot last = snapshot.get();
        final List<Map<String, Object>> list = new ArrayList<>(last.series().size());
        for (final SeriesSnapshot s : last.series())
        {
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("series", s.key().key());
            entry.put("labels", s.key().labels());
            final Map<String, Object> interval = stats(s.intervalCount(), s.intervalErrors(), s.intervalMeanNanos(), s.intervalQuantiles());
            interval.put("startEpochMillis", s.intervalStartEpochMillis());
            interval.put("payloadBytes", s.intervalPayloadBytes());
            entry.put("last1s", interval);
            final Map<String, Object> windows = new LinkedHashMap<>();
            for (int w = 0; w < WindowTiers.windowCount(); w++)
            {
                final Map<String, Object> window = stats(s.windowCounts()[w], s.windowErrors()[w], s.windowMeanNanos()[w], s.windowQuantiles()[w]);
                window.put("spanSeconds", s.windowSpanSeconds()[w]);
                windows.put(WindowTiers.WINDOW_NAMES[w], window);
            }
            entry.put("windows", windows);
            final Map<String, Object> totals = new LinkedHashMap<>();
            totals.put("calls", s.callsTotal());
            totals.put("ok", s.okCalls());
            final Map<String, Long> errors = new LinkedHashMap<>();
            for (int e = 0; e < s.errorCallsByType().length && e < last.errorTypeNames().length; e++)
            {
                if (s.errorCallsByType()[e] != 0)
                {
                    errors.put(last.errorTypeNames()[e], s.errorCallsByType()[e]);
                }
            }
            totals.put("errors", errors);
            totals.put("payloadBytes", s.payloadBytesTotal());
            totals.put("lateSamples", s.lateSamples());
            entry.put("totals", totals);
            entry.put("exemplars", exemplars(s));
            list.add(entry);
        }
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("intervalStartEpochMillis", last.intervalStartEpochMillis());
        body.put("series", list);
        return body;
    }

    /** The series' bucket exemplars, by bucket (as on {@code /metrics} in OpenMetrics): traced samples of slow calls. */
    private static List<Map<String, Object>> exemplars(final SeriesSnapshot s)
    {
        final List<Map<String, Object>> exemplars = new ArrayList<>();
        for (int b = 0; b < s.exemplarValueNanos().length; b++)
        {
            if (s.exemplarValueNanos()[b] >= 0)
            {
                final Map<String, Object> exemplar = new LinkedHashMap<>();
                exemplar.put("valueSeconds", s.exemplarValueNanos()[b] / 1e9);
                exemplar.put("traceId", TraceIds.traceIdHex(s.exemplarTraceHigh()[b], s.exemplarTraceLow()[b]));
                exemplar.put("spanId", TraceIds.spanIdHex(s.exemplarSpan()[b]));
                exemplar.put("epochMillis", s.exemplarEpochMillis()[b]);
                exemplars.add(exemplar);
            }
        }
        return exemplars;
    }

    private static Map<String, Object> stats(final long count, final long errors, final double meanNanos, final long[] quantiles)
    {
        final Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("count", count);
        stats.put("errors", errors);
        stats.put("meanSeconds", meanNanos / 1e9);
        final Map<String, Object> values = new LinkedHashMap<>();
        for (int q = 0; q < quantiles.length; q++)
        {
            values.put(Quantiles.REPORTED_LABELS[q], count == 0 ? null : quantiles[q] / 1e9);
        }
        stats.put("quantileSeconds", values);
        return stats;
    }

    Map<String, Object> series()
    {
        final AggregateSnapshot last = snapshot.get();
        final List<Map<String, Object>> list = new ArrayList<>(last.series().size());
        for (final SeriesSnapshot s : last.series())
        {
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("series", s.key().key());
            entry.put("labels", s.key().labels());
            entry.put("calls", s.callsTotal());
            list.add(entry);
        }
        return Map.of("series", list);
    }
}
