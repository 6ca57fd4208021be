package io.hotpath.daemon;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.aggregate.IntervalListener;
import io.hotpath.daemon.config.syntax.ConfigException;
import io.hotpath.daemon.aggregate.NativeHistograms;
import io.hotpath.daemon.act.ActEngine;
import io.hotpath.daemon.act.ActMetricFamilies;
import io.hotpath.daemon.act.ActRoutes;
import io.hotpath.daemon.act.incident.AnomalyIncidentSource;
import io.hotpath.daemon.act.incident.SloIncidentSource;
import io.hotpath.daemon.config.DaemonConfig;
import io.hotpath.daemon.detect.AnomalyEngine;
import io.hotpath.daemon.expose.AnalysisRoutes;
import io.hotpath.daemon.expose.AnomalyMetricFamilies;
import io.hotpath.daemon.expose.DaemonMetricFamilies;
import io.hotpath.daemon.expose.DaemonRoutes;
import io.hotpath.daemon.expose.HttpServer;
import io.hotpath.daemon.expose.JvmMetricFamilies;
import io.hotpath.daemon.expose.MetricFamilySource;
import io.hotpath.daemon.expose.MetricsRenderer;
import io.hotpath.daemon.expose.Routes;
import io.hotpath.daemon.expose.ScrapeStats;
import io.hotpath.daemon.expose.SeriesMetricFamilies;
import io.hotpath.daemon.expose.SloMetricFamilies;
import io.hotpath.daemon.slo.SloEngine;
import io.hotpath.daemon.push.PushgatewayPusher;
import io.hotpath.daemon.remotewrite.RemoteWrite;
import io.hotpath.daemon.state.RestartCatchUp;
import io.hotpath.daemon.tail.IngestCounters;
import io.hotpath.daemon.tail.SpoolRetention;
import io.hotpath.daemon.tail.SpoolTailers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import io.hotpath.daemon.expose.Labels;
import io.hotpath.daemon.expose.MetricType;
import io.hotpath.daemon.expose.MetricWriter;
import io.hotpath.daemon.expose.web.WebSecurity;
import io.hotpath.daemon.tail.StraySpools;
import io.hotpath.daemon.detect.DetectorStateFile;

/**
 * hotpathd wired together, and its one aggregation thread.
 *
 * <pre>
 *  spool ─► SpoolTailers (QueueTailer per queue) ─► Aggregator ─► rotation every 1 s
 *                                                                 ├─► IntervalListeners (detect, SLO)
 *                                                                 ├─► MetricsRenderer ─► bytes ─► HttpServer /metrics
 *                                                                 ├─► CheckpointStore (positions + counters)
 *                                                                 └─► PushgatewayPusher
 * </pre>
 *
 * <h2>The aggregation thread</h2>
 * {@link AggregationLoop}: everything mutable lives on it: tailing, decoding, recording, rotating,
 * rendering and checkpointing ({@link CheckpointWriter}) happen in one loop, so a checkpoint always
 * pairs queue positions with exactly the counters they produced, and no aggregation structure needs a
 * lock. The HTTP event loop and the push thread only read immutable snapshots published at rotation.
 * This class is the wiring: what is created, in which order, and what is registered where.
 *
 * <h2>Lifecycle</h2>
 * {@link #start} restores the checkpoint, binds the server and starts the thread; {@link #stop}
 * (SIGTERM via the shutdown hook) stops intake, flushes the open interval, writes a last
 * checkpoint, closes the server and the pusher.
 *
 * <h2>Extending</h2>
 * Before {@link #start}: {@link #addIntervalListener} (detectors), {@link #addMetricFamilySource}
 * (their families), {@link #routes()} (their endpoints). *
 * <h2>Why over 400 lines</h2>
 * The jobs are elsewhere (the loop in {@link AggregationLoop}, checkpoints in {@link CheckpointWriter},
 * each section's work in its engine); what is left is the wiring, and the wiring of the reloadable
 * engines ({@link #reload} swaps the volatile fields the routes and metric sources read) has to be
 * in the class that owns those fields. Split, the creation order and the registrations would be
 * read across files; a new part adds its lines to the constructor here.
 */
public final class Daemon implements AutoCloseable
{
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());

    private final DaemonConfig config;
    private final Aggregator aggregator;
    private final IngestCounters counters = new IngestCounters();
    private final SpoolTailers spool;
    private final CheckpointWriter checkpoints;
    private final AggregationLoop loop;
    private final MetricsRenderer renderer;
    private final ScrapeStats scrapeStats = new ScrapeStats();
    private final Routes routes = new Routes();
    private final PushgatewayPusher pusher;
    private final WebSecurity webSecurity;
    /** Replaced by {@link #reload} (on the aggregation thread); read by routes and sources through these fields. */
    private volatile AnomalyEngine anomalies;
    /** The detectors' learnt state across restarts (its own file in state.dir); null without anomaly detection. */
    private final DetectorStateFile learntState;
    private volatile SloEngine slos;
    private volatile MetricFamilySource anomalyFamilies;
    private volatile MetricFamilySource sloFamilies;
    private volatile SeriesMetricFamilies seriesFamilies;
    private final NativeHistograms natives;
    /** Null without {@code remote-write} endpoints. */
    private final RemoteWrite remoteWrite;
    private final ActEngine act;
    private volatile SloIncidentSource sloIncidents;
    private final AtomicLong reloadsSucceeded = new AtomicLong();
    private final AtomicLong reloadsFailed = new AtomicLong();
    private final CountDownLatch closed = new CountDownLatch(1);
    private HttpServer server;
    private StateLock stateLock;
    /** /metrics and pushes wait until the counters include everything served before a restart. */
    private final RestartCatchUp catchUp = new RestartCatchUp(System.currentTimeMillis());

    /**
     * How long each second stays open past its end: an agent writes a second's samples just before it ends, and on
     * a loaded host that write (or this daemon's read of it) can come tens of milliseconds late; without the grace
     * those samples would fall into the next 1-second interval. /metrics shows a second this much later.
     */
    static final long CLOSE_GRACE_MILLIS = 200;

    /** The wall clock as the aggregator closes seconds by it: a second closed within the grace is not late. */
    private long intervalClock()
    {
        return System.currentTimeMillis() - aggregator.closeGraceMillis();
    }

    public Daemon(final DaemonConfig config)
    {
        this.config = config;
        final long now = System.currentTimeMillis();
        this.aggregator = new Aggregator(config.aggregationSettings(), now);
        aggregator.closeGraceMillis(CLOSE_GRACE_MILLIS);
        StraySpools.spoolDirectory(config.getSpool().dir());
        this.spool = new SpoolTailers(config.getSpool().dir(), aggregator, counters,
            new SpoolRetention(config.getSpool().maxAgeMillis(), config.getSpool().maxTotalBytes()));
        this.webSecurity = new WebSecurity(config.getWeb().config());
        this.pusher = config.getPush().enabled() ? new PushgatewayPusher(config.getPush()) : null;
        this.renderer = new MetricsRenderer(config.getMetrics().settings());
        this.natives = new NativeHistograms(config.getMetrics().nativeHistogramSchema(), config.getMetrics().seriesIdleTimeoutMillis());
        aggregator.addIntervalListener(natives);
        this.remoteWrite = config.getRemoteWrite().isEmpty() ? null : remoteWrite(config, natives);
        this.checkpoints = new CheckpointWriter(config.getState().dir(), aggregator, spool, counters, remoteWrite);
        checkpoints.addPart(CheckpointWriter.nativeHistogramPart(natives));
        checkpoints.addPart(CheckpointWriter.openIntervalsPart(aggregator));
        this.seriesFamilies = new SeriesMetricFamilies(config.histogramBucketsNanos(), config.getMetrics().settings())
            .withNativeHistograms(natives);
        renderer.addSource((writer, snapshot) -> seriesFamilies.writeTo(writer, snapshot));
        this.act = new ActEngine(config.getAlerting(), config.getIncidents(), config.getRemediation(), config.getState().dir(),
            config.getIncidents().tickIntervalMillis());
        this.anomalies = config.getAnomaly().enabled()
            ? new AnomalyEngine(config.getAnomaly().settings(), new AnomalyIncidentSource(act.sink()), spool::serviceGone) : null;
        this.learntState = anomalies == null ? null : new DetectorStateFile(config.getState().dir());
        this.slos = config.getSlo().slos() == null ? null : new SloEngine(config.getSlo().slos());
        if (anomalies != null)
        {
            anomalies.liveClock(this::intervalClock); // its intervals close by the wall clock: lateness is host-stall evidence
            aggregator.addIntervalListener(new CurrentListener(() -> anomalies));
            this.anomalyFamilies = new AnomalyMetricFamilies(anomalies,
                config.getAnomaly().exposeScores() == DaemonConfig.Anomaly.ExposeScores.ALL);
            renderer.addSource((writer, snapshot) -> anomalyFamilies.writeTo(writer, snapshot));
            act.addPoller(() -> AnomalyIncidentSource.openEventsOf(anomalies).get());
            anomalies.catchingUpWhile(() -> !catchUp.serving()); // its own late closes while it reads the backlog: no stall
        }
        if (slos != null)
        {
            aggregator.addIntervalListener(new CurrentListener(() -> slos));
            this.sloFamilies = new SloMetricFamilies(slos);
            renderer.addSource((writer, snapshot) -> sloFamilies.writeTo(writer, snapshot));
            checkpoints.addPart(CheckpointWriter.sloPart(() -> slos));
            this.sloIncidents = new SloIncidentSource(slos, act.sink());
            aggregator.addIntervalListener(new CurrentListener(() -> sloIncidents));
        }
        if (remoteWrite != null)
        {
            checkpoints.addPart(remoteWrite);
            renderer.addSource(remoteWrite);
        }
        renderer.addSource(new ActMetricFamilies(act));
        final DaemonMetricFamilies daemonFamilies = new DaemonMetricFamilies(spool, counters, scrapeStats)
            .checkpointFailures(checkpoints::failures);
        if (learntState != null)
        {
            daemonFamilies.anomalyStateFailures(() -> learntState.stats().restoreFailures(), () -> learntState.stats().writeFailures());
        }
        renderer.addSource(daemonFamilies);
        if (pusher != null)
        {
            renderer.addSource(pusher);
        }
        renderer.addProcessSource(new JvmMetricFamilies());
        final DaemonRoutes daemonRoutes = new DaemonRoutes(renderer, aggregator::latest, spool::statuses, scrapeStats, System::currentTimeMillis)
            .servingCountersWhen(catchUp::serving, catchUp::pendingQueues)
            .healthSection("checkpoint", checkpoints::health)
            .healthSection("incidents", act::health);
        if (remoteWrite != null)
        {
            daemonRoutes.healthSection("remoteWrite", remoteWrite::health);
        }
        if (learntState != null)
        {
            daemonRoutes.healthSection("anomalyState", learntState::health);
        }
        if (anomalies != null)
        {
            // The engine is replaced by a reload of the anomaly settings: read the current one.
            daemonRoutes.healthSection("anomalies", () -> anomalies == null ? Map.of() : anomalies.health());
        }
        daemonRoutes.register(routes);
        new AnalysisRoutes(() -> anomalies, () -> slos).register(routes);
        renderer.addSource(this::writeReloadFamilies);
        new ActRoutes(act).register(routes);
        this.loop = new AggregationLoop(config, aggregator, spool, renderer, checkpoints, catchUp, remoteWrite, pusher,
            anomalies != null);
        // Rendered at a rotation only while scrapes come; a scrape after an idle spell wakes the loop to render.
        renderer.renderOnlyWhenAsked(loop::wake);
        if (learntState != null)
        {
            loop.addCheckpointListener((at, last) ->
            {
                final AnomalyEngine engine = anomalies;
                if (engine != null)
                {
                    learntState.onCheckpoint(engine, at, last, checkpoints.writerThread());
                }
            });
        }
    }

    /** Incidents, alerting and remediation. */
    public ActEngine act()
    {
        return act;
    }

    /** The anomaly engine, or null when {@code anomaly.enabled} is false. */
    public AnomalyEngine anomalies()
    {
        return anomalies;
    }

    /** The SLO engine, or null without {@code slo.file}. */
    public SloEngine slos()
    {
        return slos;
    }

    private static RemoteWrite remoteWrite(final DaemonConfig config, final NativeHistograms natives)
    {
        try
        {
            return new RemoteWrite(config.getRemoteWrite(), config.getState().dir(), natives);
        }
        catch (final IOException e)
        {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Applies the reloadable part of {@code next} without losing state: SLO definitions (each SLO's
     * counters carried over by name while its SLI is unchanged), anomaly settings (detectors relearn
     * only when {@code anomalyChanged}) and the quantile windows/quantiles of {@code /metrics}. Runs on
     * the aggregation thread; the future completes with what changed. Switching SLOs or anomaly
     * detection on or off, and every other key, needs a restart (the caller says so).
     */
    public CompletableFuture<List<String>> reload(final DaemonConfig next, final boolean anomalyChanged)
    {
        final CompletableFuture<List<String>> done = new CompletableFuture<>();
        loop.submit(() ->
        {
            try
            {
                final List<String> applied = new ArrayList<>();
                if (slos != null && next.getSlo().slos() != null)
                {
                    final SloEngine replacement = new SloEngine(next.getSlo().slos());
                    replacement.restoreState(slos.captureState());
                    slos = replacement;
                    sloFamilies = new SloMetricFamilies(replacement);
                    sloIncidents = new SloIncidentSource(replacement, act.sink());
                    applied.add("SLOs (" + next.getSlo().slos().slos().size() + ")");
                }
                if (anomalies != null && next.getAnomaly().enabled() && anomalyChanged)
                {
                    anomalies = new AnomalyEngine(next.getAnomaly().settings(), new AnomalyIncidentSource(act.sink()), spool::serviceGone);
                    anomalies.liveClock(this::intervalClock);
                    anomalyFamilies = new AnomalyMetricFamilies(anomalies,
                        next.getAnomaly().exposeScores() == DaemonConfig.Anomaly.ExposeScores.ALL);
                    anomalies.catchingUpWhile(() -> !catchUp.serving());
                    applied.add("anomaly settings (detectors relearn)");
                }
                seriesFamilies = new SeriesMetricFamilies(config.histogramBucketsNanos(), next.getMetrics().settings())
                    .withNativeHistograms(natives);
                applied.add("metrics.quantile-windows/quantiles");
                reloadsSucceeded.incrementAndGet();
                done.complete(applied);
            }
            catch (final RuntimeException e)
            {
                reloadsFailed.incrementAndGet();
                done.completeExceptionally(e);
            }
        }); // not started yet (tests): applied at once
        return done;
    }

    /** A reload that failed before reaching the daemon (bad file): counted, the running settings stay. */
    public void reloadFailed()
    {
        reloadsFailed.incrementAndGet();
    }

    private void writeReloadFamilies(final MetricWriter writer, final AggregateSnapshot snapshot)
    {
        if (webSecurity.config().authentication())
        {
            writer.family("hotpath_daemon_http_auth_failures", MetricType.COUNTER,
                "HTTP requests refused for missing or wrong credentials (web.config-file basic_auth_users).");
            writer.sample("_total", Labels.EMPTY, null, null, null, null, webSecurity.authFailures());
        }
        writer.family("hotpath_daemon_config_reloads", MetricType.COUNTER,
            "Configuration reloads (SIGHUP) by result; a failed one keeps the running settings.");
        writer.sample("_total", Labels.EMPTY, "result", "success", null, null, reloadsSucceeded.get());
        writer.sample("_total", Labels.EMPTY, "result", "failure", null, null, reloadsFailed.get());
    }

    public void addIntervalListener(final IntervalListener listener)
    {
        aggregator.addIntervalListener(listener);
    }

    public void addMetricFamilySource(final MetricFamilySource source)
    {
        renderer.addSource(source);
    }

    /** Add routes here before {@link #start}. */
    public Routes routes()
    {
        return routes;
    }

    /**
     * Restores state, binds the HTTP server, starts the aggregation thread.
     *
     * @throws ConfigException when the spool or state directory can never work (not a directory,
     *         under a regular file, not readable or writable): the message names the path and why
     */
    public void start() throws IOException, InterruptedException, ConfigException
    {
        ListenChecks.probe(config);
        UsableDirectory.ensure("state.dir", config.getState().dir(), true);
        UsableDirectory.ensure("spool.dir", config.getSpool().dir(), false);
        checkpoints.prepare();
        stateLock = StateLock.acquire(config.getState().dir());
        if (learntState != null)
        {
            learntState.restore(anomalies);
        }
        checkpoints.restore(config.getState().dir());
        if (remoteWrite != null)
        {
            remoteWrite.start();
        }
        act.start();
        // Queues are opened by the aggregation thread itself (first scan): Chronicle tailers are single-threaded.
        final long now = System.currentTimeMillis();
        spool.publishStatus(now);
        renderer.render(aggregator.latest(), now);
        final InetSocketAddress listen = config.listenAddress();
        try
        {
            server = HttpServer.start(new InetSocketAddress(listen.getHostString(), listen.getPort()), routes,
                config.getHttp().limits(), scrapeStats, webSecurity);
        }
        catch (final InterruptedException e)
        {
            throw e;
        }
        catch (final Exception e)
        {
            // Netty rethrows the bind failure (a checked BindException) from sync().
            throw new IOException(ListenChecks.cannotListen(config, e), e);
        }
        if (pusher != null)
        {
            pusher.start();
        }
        loop.start();
        ListenChecks.warnIfExposed(config, webSecurity, server.address());
        LOG.info("hotpathd listening on " + (webSecurity.config().tls() ? "https" : "http") + "://" + server.address().getHostString() + ":" + server.address().getPort() +
            ", spool " + config.getSpool().dir() + ", state " + config.getState().dir() + ", at most " +
            scrapeStats.connectionLimit() + " connections");
    }

    public InetSocketAddress address()
    {
        return server.address();
    }

    /**
     * Waits until the aggregation thread has scanned the spool once after {@link #start}: the HTTP
     * server is bound and every queue present is being tailed (systemd readiness).
     */
    public boolean awaitSpoolTailed(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return loop.awaitSpoolScanned(timeout, unit);
    }

    /** The last published rotation; any thread. Its rotation time advances every second while the aggregation thread runs. */
    public AggregateSnapshot latestSnapshot()
    {
        return aggregator.latest();
    }

    /** The queues as last published (first scan, then every rotation); any thread. */
    public List<SpoolTailers.QueueStatus> queueStatuses()
    {
        return spool.statuses();
    }

    /** Graceful stop: intake ends, the open interval is flushed, a checkpoint written, server and pusher closed. */
    public void stop()
    {
        if (!loop.started())
        {
            return;
        }
        loop.stop();
        checkpoints.close();
        if (remoteWrite != null)
        {
            remoteWrite.close();
        }
        if (server != null)
        {
            server.close();
            server = null;
        }
        renderer.close();
        if (pusher != null)
        {
            pusher.close();
        }
        spool.close();
        act.close();
        if (stateLock != null)
        {
            stateLock.close();
            stateLock = null;
        }
        loop.stopped();
        LOG.info("hotpathd stopped");
        closed.countDown();
    }

    /** Blocks until {@link #stop} has completed. */
    public void awaitStop() throws InterruptedException
    {
        closed.await();
    }

    @Override
    public void close()
    {
        stop();
    }
}
