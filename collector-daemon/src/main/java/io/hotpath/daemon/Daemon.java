package io.hotpath.daemon;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.aggregate.IntervalListener;
import io.hotpath.daemon.config.ConfigException;
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
import io.hotpath.daemon.state.Checkpoint;
import io.hotpath.daemon.state.CheckpointContent;
import io.hotpath.daemon.state.CheckpointPart;
import io.hotpath.daemon.state.CheckpointStore;
import io.hotpath.daemon.state.Checkpoints;
import io.hotpath.daemon.state.RestartCatchUp;
import io.hotpath.daemon.tail.IngestCounters;
import io.hotpath.daemon.tail.SpoolRetention;
import io.hotpath.daemon.tail.PollPacer;
import io.hotpath.daemon.tail.SpoolTailers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

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
 * Everything mutable lives on it: tailing, decoding, recording, rotating, rendering and
 * checkpointing happen in one loop, so a checkpoint always pairs queue positions with exactly the
 * counters they produced, and no aggregation structure needs a lock. The HTTP event loop and the
 * push thread only read immutable snapshots published at rotation.
 *
 * <h2>Lifecycle</h2>
 * {@link #start} restores the checkpoint, binds the server and starts the thread; {@link #stop}
 * (SIGTERM via the shutdown hook) stops intake, flushes the open interval, writes a last
 * checkpoint, closes the server and the pusher.
 *
 * <h2>Extending</h2>
 * Before {@link #start}: {@link #addIntervalListener} (detectors), {@link #addMetricFamilySource}
 * (their families), {@link #routes()} (their endpoints).
 */
public final class Daemon implements AutoCloseable
{
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());
    /** Documents read per queue per loop pass: bounds the time between rotation checks. */
    private static final int DOCUMENTS_PER_QUEUE_PER_PASS = 256;
    /**
     * Longest sleep of the aggregation thread while the queues are quiet ({@link PollPacer}): an empty
     * poll of a live agent's queue costs ~50 µs; what is written meanwhile is still read before the
     * rotation (the pacer polls just before each).
     */
    private static final long MAX_IDLE_PARK_MILLIS = 250;
    private final PollPacer pollPacer = new PollPacer(MAX_IDLE_PARK_MILLIS);

    private final DaemonConfig config;
    private final Aggregator aggregator;
    private final IngestCounters counters = new IngestCounters();
    private final SpoolTailers spool;
    private final CheckpointStore checkpoints;
    private final MetricsRenderer renderer;
    private final ScrapeStats scrapeStats = new ScrapeStats();
    private final Routes routes = new Routes();
    private final PushgatewayPusher pusher;
    private final io.hotpath.daemon.expose.web.WebSecurity webSecurity;
    /** Replaced by {@link #reload} (on the aggregation thread); read by routes and sources through these fields. */
    private volatile AnomalyEngine anomalies;
    private volatile SloEngine slos;
    private volatile MetricFamilySource anomalyFamilies;
    private volatile MetricFamilySource sloFamilies;
    private volatile SeriesMetricFamilies seriesFamilies;
    private final NativeHistograms natives;
    /** Null without {@code remote-write} endpoints. */
    private final RemoteWrite remoteWrite;
    private final ActEngine act;
    private volatile SloIncidentSource sloIncidents;
    /** Work handed to the aggregation thread (reloads), run between two documents. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> aggregationTasks = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicLong reloadsSucceeded = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong reloadsFailed = new java.util.concurrent.atomic.AtomicLong();
    private final List<CheckpointPart> checkpointParts = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Counted down after the aggregation thread's first spool scan: from then on every queue present is tailed. */
    private final CountDownLatch spoolScanned = new CountDownLatch(1);
    private volatile Thread loop;
    private HttpServer server;
    private volatile boolean running;
    private long nextCheckpointMillis;
    /**
     * Documents read since the last checkpoint capture. Positions and counters move only when
     * documents are read: a quiet second needs no capture (Jackson, ~0.4 ms), only every
     * {@value #IDLE_CHECKPOINT_MILLIS} ms one in case something else changed (an unchanged one is not written).
     */
    private long documentsSinceCheckpoint;
    private long lastCheckpointCaptureMillis;
    private static final long IDLE_CHECKPOINT_MILLIS = 10_000;
    private long nextScanMillis;
    private long nextPushPrepareMillis;
    private volatile boolean checkpointFailureLogged;
    /** Checkpoint captures or writes that failed (hotpath_daemon_checkpoint_failures_total); logged once per streak. */
    private final java.util.concurrent.atomic.AtomicLong checkpointFailures = new java.util.concurrent.atomic.AtomicLong();
    private volatile long lastCheckpointWrittenMillis;
    /** The bytes of the last checkpoint written (writer thread): an unchanged capture is not written again. */
    private volatile byte[] lastWrittenCheckpoint;
    /** fsync can take long on busy disks: files are written here, from bytes captured on the aggregation thread. */
    private final ExecutorService checkpointWriter = Executors.newSingleThreadExecutor(r ->
    {
        final Thread thread = new Thread(r, "hotpathd-checkpoint");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<PendingCheckpoint> pendingCheckpoint = new AtomicReference<>();
    private StateLock stateLock;
    /** /metrics and pushes wait until the counters include everything served before a restart. */
    private final RestartCatchUp catchUp = new RestartCatchUp(System.currentTimeMillis());

    public Daemon(final DaemonConfig config)
    {
        this.config = config;
        final long now = System.currentTimeMillis();
        this.aggregator = new Aggregator(config.aggregationSettings(), now);
        io.hotpath.daemon.tail.StraySpools.spoolDirectory(config.getSpool().dir());
        this.spool = new SpoolTailers(config.getSpool().dir(), aggregator, counters,
            new SpoolRetention(config.getSpool().maxAgeMillis(), config.getSpool().maxTotalBytes()));
        this.checkpoints = new CheckpointStore(config.getState().dir());
        this.webSecurity = new io.hotpath.daemon.expose.web.WebSecurity(config.getWeb().config());
        this.pusher = config.getPush().enabled() ? new PushgatewayPusher(config.getPush()) : null;
        this.renderer = new MetricsRenderer(config.getMetrics().settings()).renderOnlyWhenAsked(() ->
        {
            final Thread aggregation = loop;
            if (aggregation != null)
            {
                LockSupport.unpark(aggregation);
            }
        });
        this.natives = new NativeHistograms(config.getMetrics().nativeHistogramSchema(), config.getMetrics().seriesIdleTimeoutMillis());
        aggregator.addIntervalListener(natives);
        checkpointParts.add(new NativeHistogramCheckpointPart(natives));
        this.seriesFamilies = new SeriesMetricFamilies(config.histogramBucketsNanos(), config.getMetrics().settings())
            .withNativeHistograms(natives);
        renderer.addSource((writer, snapshot) -> seriesFamilies.writeTo(writer, snapshot));
        this.act = new ActEngine(config.getAlerting(), config.getIncidents(), config.getRemediation(), config.getState().dir(),
            config.getIncidents().tickIntervalMillis());
        this.anomalies = config.getAnomaly().enabled()
            ? new AnomalyEngine(config.getAnomaly().settings(), new AnomalyIncidentSource(act.sink()), spool::serviceGone) : null;
        this.slos = config.getSlo().slos() == null ? null : SloEngine.withoutStateFiles(config.getSlo().slos());
        if (anomalies != null)
        {
            aggregator.addIntervalListener(new CurrentListener(() -> anomalies));
            this.anomalyFamilies = new AnomalyMetricFamilies(anomalies,
                config.getAnomaly().exposeScores() == DaemonConfig.Anomaly.ExposeScores.ALL);
            renderer.addSource((writer, snapshot) -> anomalyFamilies.writeTo(writer, snapshot));
            act.addPoller(() -> AnomalyIncidentSource.openEventsOf(anomalies).get());
        }
        if (slos != null)
        {
            aggregator.addIntervalListener(new CurrentListener(() -> slos));
            this.sloFamilies = new SloMetricFamilies(slos);
            renderer.addSource((writer, snapshot) -> sloFamilies.writeTo(writer, snapshot));
            checkpointParts.add(new SloCheckpointPart(() -> slos));
            this.sloIncidents = new SloIncidentSource(slos, act.sink());
            aggregator.addIntervalListener(new CurrentListener(() -> sloIncidents));
        }
        this.remoteWrite = config.getRemoteWrite().isEmpty() ? null : remoteWrite(config, natives);
        if (remoteWrite != null)
        {
            checkpointParts.add(remoteWrite);
            renderer.addSource(remoteWrite);
        }
        renderer.addSource(new ActMetricFamilies(act));
        renderer.addSource(new DaemonMetricFamilies(spool, counters, scrapeStats).checkpointFailures(checkpointFailures::get));
        if (pusher != null)
        {
            renderer.addSource(pusher);
        }
        renderer.addProcessSource(new JvmMetricFamilies());
        final DaemonRoutes daemonRoutes = new DaemonRoutes(renderer, aggregator::latest, spool::statuses, scrapeStats, System::currentTimeMillis)
            .servingCountersWhen(catchUp::serving, catchUp::pendingQueues)
            .healthSection("checkpoint", this::checkpointHealth)
            .healthSection("incidents", act::health);
        if (remoteWrite != null)
        {
            daemonRoutes.healthSection("remoteWrite", remoteWrite::health);
        }
        daemonRoutes.register(routes);
        new AnalysisRoutes(() -> anomalies, () -> slos).register(routes);
        renderer.addSource(this::writeReloadFamilies);
        new ActRoutes(act).register(routes);
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

    /** SLO counters go into the daemon's checkpoint, with the positions they counted up to. */
    private record SloCheckpointPart(java.util.function.Supplier<SloEngine> slos) implements CheckpointPart
    {
        @Override
        public String name()
        {
            return "slo";
        }

        @Override
        public Map<String, byte[]> capture()
        {
            return slos.get().captureState();
        }

        @Override
        public void restore(final Map<String, byte[]> saved)
        {
            slos.get().restoreState(saved);
        }
    }

    /** Native histograms go into the checkpoint too: they never decrease across restarts, like the classic buckets. */
    private record NativeHistogramCheckpointPart(NativeHistograms natives) implements CheckpointPart
    {
        @Override
        public String name()
        {
            return "native-histograms";
        }

        @Override
        public Map<String, byte[]> capture()
        {
            return natives.capture();
        }

        @Override
        public void restore(final Map<String, byte[]> saved)
        {
            natives.restore(saved);
        }
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

    /** The interval listener the daemon runs now (replaced on reload); same order as registered. */
    private record CurrentListener(java.util.function.Supplier<? extends IntervalListener> current) implements IntervalListener
    {
        @Override
        public void onInterval(final io.hotpath.daemon.aggregate.ClosedInterval interval)
        {
            current.get().onInterval(interval);
        }

        @Override
        public void onLateInterval(final io.hotpath.daemon.aggregate.ClosedInterval samples)
        {
            current.get().onLateInterval(samples);
        }

        @Override
        public void afterRotation()
        {
            current.get().afterRotation();
        }
    }

    /**
     * Applies the reloadable part of {@code next} without losing state: SLO definitions (each SLO's
     * counters carried over by name while its SLI is unchanged), anomaly settings (detectors relearn
     * only when {@code anomalyChanged}) and the quantile windows/quantiles of {@code /metrics}. Runs on
     * the aggregation thread; the future completes with what changed. Switching SLOs or anomaly
     * detection on or off, and every other key, needs a restart (the caller says so).
     */
    public java.util.concurrent.CompletableFuture<List<String>> reload(final DaemonConfig next, final boolean anomalyChanged)
    {
        final java.util.concurrent.CompletableFuture<List<String>> done = new java.util.concurrent.CompletableFuture<>();
        aggregationTasks.add(() ->
        {
            try
            {
                final List<String> applied = new ArrayList<>();
                if (slos != null && next.getSlo().slos() != null)
                {
                    final SloEngine replacement = SloEngine.withoutStateFiles(next.getSlo().slos());
                    replacement.restoreState(slos.captureState());
                    slos = replacement;
                    sloFamilies = new SloMetricFamilies(replacement);
                    sloIncidents = new SloIncidentSource(replacement, act.sink());
                    applied.add("SLOs (" + next.getSlo().slos().slos().size() + ")");
                }
                if (anomalies != null && next.getAnomaly().enabled() && anomalyChanged)
                {
                    anomalies = new AnomalyEngine(next.getAnomaly().settings(), new AnomalyIncidentSource(act.sink()), spool::serviceGone);
                    anomalyFamilies = new AnomalyMetricFamilies(anomalies,
                        next.getAnomaly().exposeScores() == DaemonConfig.Anomaly.ExposeScores.ALL);
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
        });
        if (!running)
        {
            runAggregationTasks(); // not started yet (tests): apply at once
        }
        return done;
    }

    /** A reload that failed before reaching the daemon (bad file): counted, the running settings stay. */
    public void reloadFailed()
    {
        reloadsFailed.incrementAndGet();
    }

    private void runAggregationTasks()
    {
        Runnable task;
        while ((task = aggregationTasks.poll()) != null)
        {
            task.run();
        }
    }

    /** Beyond loopback, anyone who reaches the port reads every series: say so loudly unless TLS and authentication are on. */
    private void warnIfExposed(final InetSocketAddress bound)
    {
        if (bound.getAddress() == null || bound.getAddress().isLoopbackAddress())
        {
            return;
        }
        final List<String> missing = new ArrayList<>();
        if (!webSecurity.config().tls())
        {
            missing.add("TLS");
        }
        if (!webSecurity.config().authentication())
        {
            missing.add("authentication");
        }
        if (!missing.isEmpty())
        {
            LOG.warning("SECURITY: hotpathd listens on " + config.listen() + ", beyond loopback, without " + String.join(" and ", missing)
                + ": anyone who reaches the port reads every series and the service names. Set web.config-file (HOTPATHD_WEB_CONFIG_FILE) "
                + "to a file with tls_server_config and basic_auth_users, or bind 127.0.0.1 and firewall the port");
        }
    }

    private void writeReloadFamilies(final io.hotpath.daemon.expose.MetricWriter writer, final AggregateSnapshot snapshot)
    {
        if (webSecurity.config().authentication())
        {
            writer.family("hotpath_daemon_http_auth_failures", io.hotpath.daemon.expose.MetricType.COUNTER,
                "HTTP requests refused for missing or wrong credentials (web.config-file basic_auth_users).");
            writer.sample("_total", io.hotpath.daemon.expose.Labels.EMPTY, null, null, null, null, webSecurity.authFailures());
        }
        writer.family("hotpath_daemon_config_reloads", io.hotpath.daemon.expose.MetricType.COUNTER,
            "Configuration reloads (SIGHUP) by result; a failed one keeps the running settings.");
        writer.sample("_total", io.hotpath.daemon.expose.Labels.EMPTY, "result", "success", null, null, reloadsSucceeded.get());
        writer.sample("_total", io.hotpath.daemon.expose.Labels.EMPTY, "result", "failure", null, null, reloadsFailed.get());
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
        probeListenAddress();
        UsableDirectory.ensure("state.dir", config.getState().dir(), true);
        UsableDirectory.ensure("spool.dir", config.getSpool().dir(), false);
        checkpoints.prepare();
        stateLock = StateLock.acquire(config.getState().dir());
        restore();
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
            throw new IOException(cannotListen(e), e);
        }
        if (pusher != null)
        {
            pusher.start();
        }
        running = true;
        loop = new Thread(this::runLoop, "hotpathd-aggregator");
        loop.start();
        warnIfExposed(server.address());
        LOG.info("hotpathd listening on " + (webSecurity.config().tls() ? "https" : "http") + "://" + server.address().getHostString() + ":" + server.address().getPort() +
            ", spool " + config.getSpool().dir() + ", state " + config.getState().dir() + ", at most " +
            scrapeStats.connectionLimit() + " connections");
    }

    /**
     * Fails before anything is created (state or spool directory) when the listen address is taken or
     * not local; the real bind comes after the checkpoint is restored, so that no scrape sees zeros.
     */
    private void probeListenAddress() throws IOException
    {
        final InetSocketAddress listen = config.listenAddress();
        if (listen.getPort() == 0)
        {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket())
        {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(listen.getHostString(), listen.getPort()));
        }
        catch (final IOException e)
        {
            throw new IOException(cannotListen(e), e);
        }
    }

    private String cannotListen(final Exception e)
    {
        return "cannot listen on " + config.listen() + ": " + e.getMessage() + (e instanceof java.net.BindException
            ? "; is another hotpathd running? Choose another address with --listen HOST:PORT (or listen: in the config file, "
                + "or HOTPATHD_LISTEN)" : "");
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
        return spoolScanned.await(timeout, unit);
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

    private void restore() throws IOException
    {
        final Optional<Checkpoint> read = checkpoints.read();
        if (read.isEmpty())
        {
            LOG.info("no checkpoint in " + config.getState().dir() + ": starting from the beginning of every queue");
            return;
        }
        Checkpoints.restore(read.get(), aggregator, spool, counters, checkpointParts);
    }

    /**
     * Captures the checkpoint on the aggregation thread (so positions and counters match) and hands
     * the bytes to the writer thread; if the previous file is still being written, the newer bytes
     * replace the waiting ones.
     */
    private void writeCheckpoint(final long now)
    {
        final PendingCheckpoint pending;
        try
        {
            final Checkpoint checkpoint = Checkpoints.capture(now, aggregator, spool, counters, checkpointParts);
            final Map<String, Long> positions = new java.util.HashMap<>();
            for (final io.hotpath.daemon.state.QueueCheckpoint queue : checkpoint.queues)
            {
                positions.put(queue.queue, queue.lastIndex);
            }
            pending = new PendingCheckpoint(checkpoints.serialize(checkpoint), positions,
                remoteWrite == null ? Map.of() : remoteWrite.lastCaptured());
        }
        catch (final IOException | RuntimeException e)
        {
            checkpointFailed(e);
            return;
        }
        if (pendingCheckpoint.get() == null && CheckpointContent.sameExceptStamp(pending.bytes(), lastWrittenCheckpoint))
        {
            return; // nothing changed since the file on disk (idle): no rewrite, no fsync
        }
        if (pendingCheckpoint.getAndSet(pending) == null)
        {
            checkpointWriter.execute(this::writePendingCheckpoint);
        }
    }

    /** A captured checkpoint waiting for the writer thread, with the positions it makes durable. */
    private record PendingCheckpoint(byte[] bytes, Map<String, Long> positions, Map<String, Long> remoteWriteSeqs)
    {
    }

    private void writePendingCheckpoint()
    {
        final PendingCheckpoint pending = pendingCheckpoint.getAndSet(null);
        if (pending == null)
        {
            return;
        }
        try
        {
            checkpoints.writeBytes(pending.bytes());
            lastWrittenCheckpoint = pending.bytes();
            lastCheckpointWrittenMillis = System.currentTimeMillis();
            spool.setDurablePositions(pending.positions());
            if (remoteWrite != null)
            {
                remoteWrite.checkpointWritten(pending.remoteWriteSeqs());
            }
            if (checkpointFailureLogged)
            {
                LOG.info("checkpoints are written again");
                checkpointFailureLogged = false;
            }
        }
        catch (final IOException | RuntimeException e)
        {
            checkpointFailed(e);
        }
    }

    private Map<String, Object> checkpointHealth()
    {
        final Map<String, Object> health = new java.util.LinkedHashMap<>();
        health.put("file", checkpoints.file().toString());
        health.put("lastWrittenEpochMillis", lastCheckpointWrittenMillis);
        health.put("failures", checkpointFailures.get());
        health.put("failing", checkpointFailureLogged);
        return health;
    }

    private void checkpointFailed(final Exception e)
    {
        checkpointFailures.incrementAndGet();
        if (!checkpointFailureLogged)
        {
            LOG.log(Level.SEVERE, "cannot write the checkpoint to " + checkpoints.file() +
                "; a restart would re-count what was read since the last good one", e);
            checkpointFailureLogged = true;
        }
    }

    private void runLoop()
    {
        try
        {
            while (running)
            {
                final long now = System.currentTimeMillis();
                if (now >= aggregator.nextRotationEpochMillis())
                {
                    if (anomalies != null)
                    {
                        spool.refreshLiveness();
                    }
                    final boolean caughtUp = catchUp.beforeRotation(now);
                    aggregator.rotate(now);
                    afterRotation(now, false);
                    if (caughtUp)
                    {
                        catchUp.startServing(now);
                    }
                }
                if (now >= nextScanMillis)
                {
                    spool.scan(now);
                    nextScanMillis = now + config.getSpool().scanIntervalMillis();
                    if (spoolScanned.getCount() > 0)
                    {
                        spool.publishStatus(now);
                        spoolScanned.countDown();
                    }
                }
                runAggregationTasks();
                if (renderer.waiting())
                {
                    renderer.render(aggregator.latest(), now); // a scrape after an idle spell: the last rotation's snapshot
                }
                final int documents = spool.pollAll(DOCUMENTS_PER_QUEUE_PER_PASS, now);
                documentsSinceCheckpoint += documents;
                catchUp.update(spool.tailers(), spoolScanned.getCount() == 0);
                final long park = pollPacer.afterPoll(documents, System.currentTimeMillis(),
                    aggregator.nextRotationEpochMillis(), nextScanMillis);
                if (park > 0 && running)
                {
                    LockSupport.parkNanos(park);
                }
            }
            final long now = System.currentTimeMillis();
            aggregator.flush(now);
            afterRotation(now, true);
        }
        catch (final Throwable t)
        {
            LOG.log(Level.SEVERE, "aggregation thread failed; exiting so that a supervisor restarts hotpathd from the checkpoint", t);
            Runtime.getRuntime().halt(70);
        }
        finally
        {
            stopped.countDown();
        }
    }

    private void afterRotation(final long now, final boolean last)
    {
        spool.publishStatus(now);
        renderer.render(aggregator.latest(), now);
        if (remoteWrite != null)
        {
            remoteWrite.afterRotation(aggregator.latest());
        }
        if (last || now >= nextCheckpointMillis && (documentsSinceCheckpoint > 0 || remoteWrite != null || checkpointFailureLogged
            || now - lastCheckpointCaptureMillis >= IDLE_CHECKPOINT_MILLIS))
        {
            documentsSinceCheckpoint = 0;
            lastCheckpointCaptureMillis = now;
            writeCheckpoint(now);
            nextCheckpointMillis = now + config.getState().checkpointIntervalMillis();
        }
        if (pusher != null && catchUp.serving() && (last || now >= nextPushPrepareMillis))
        {
            pusher.offer(renderer.samplesForPush(aggregator.latest()));
            nextPushPrepareMillis = now + Math.max(1000, config.getPush().intervalMillis() / 2);
        }
    }

    /** Graceful stop: intake ends, the open interval is flushed, a checkpoint written, server and pusher closed. */
    public void stop()
    {
        if (!running && loop == null)
        {
            return;
        }
        running = false;
        if (loop != null)
        {
            LockSupport.unpark(loop);
        }
        try
        {
            if (loop != null && !stopped.await(30, TimeUnit.SECONDS))
            {
                LOG.warning("aggregation thread did not stop within 30 s");
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        checkpointWriter.shutdown();
        try
        {
            if (!checkpointWriter.awaitTermination(30, TimeUnit.SECONDS))
            {
                LOG.warning("the last checkpoint was not written within 30 s");
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
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
        loop = null;
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
