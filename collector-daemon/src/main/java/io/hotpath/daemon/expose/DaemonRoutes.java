package io.hotpath.daemon.expose;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.tail.SpoolTailers;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.BooleanSupplier;
import io.hotpath.daemon.tail.StraySpools;

/**
 * The daemon's own endpoints: {@code /metrics} ({@link MetricsRoute}), {@code /health},
 * {@code /metrics/summary} and {@code /api/series} ({@link SeriesDocuments}). Each reads only
 * published immutable snapshots.
 */
public final class DaemonRoutes
{
    /** Readiness fails when the last rotation is older than this (the aggregation thread is stuck). */
    static final long READY_MAX_ROTATION_AGE_MILLIS = 5_000;

    /** How long the first OpenMetrics (or protobuf) scrape after an idle period waits for a rotation to render it; then: Prometheus text. */
    static final long OPENMETRICS_WAIT_MILLIS = 3_000;

    private final MetricsRenderer metrics;
    private final Supplier<AggregateSnapshot> snapshot;
    private final Supplier<List<SpoolTailers.QueueStatus>> queues;
    private final ScrapeStats scrapeStats;
    private final LongSupplier clock;
    private BooleanSupplier servingCounters = () -> true;
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
    public DaemonRoutes servingCountersWhen(final BooleanSupplier serving, final Supplier<List<String>> pendingQueues)
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
            .get("/metrics", new MetricsRoute(metrics, scrapeStats, clock, () -> servingCounters.getAsBoolean(),
                () -> catchingUpQueues.get()))
            .get("/health", (request, allocator) ->
            {
                final Map<String, Object> health = health();
                final boolean ready = Boolean.TRUE.equals(health.get("ready"));
                return Responses.json(ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, health, allocator);
            })
            .get("/metrics/summary", (request, allocator) -> Responses.json(HttpResponseStatus.OK, summary(), allocator))
            .get("/api/series", (request, allocator) -> Responses.json(HttpResponseStatus.OK, series(), allocator));
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
        health.put("queues", Responses.object("tailed", tailed, "finished", finished, "refused", refused,
            "quarantined", quarantined, "maxLagSeconds", maxLag, "list", list));
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
        final List<String> elsewhere = StraySpools.elsewhere();
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
        return SeriesDocuments.summary(snapshot.get());
    }

    Map<String, Object> series()
    {
        return SeriesDocuments.series(snapshot.get());
    }
}
