package io.hotpath.daemon.expose;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.prometheus.client.Collector;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.Deflater;

/**
 * Renders every {@link MetricFamilySource} once per rotation, on the aggregation thread, into the
 * bytes {@code GET /metrics} serves as they are. Publication is one volatile write of a
 * {@link RenderedMetrics}; a scrape never renders.
 *
 * <h2>Only what is asked for</h2>
 * Prometheus text is rendered at every rotation (in the daemon, {@link #renderOnlyWhenAsked}: only
 * while some scrape came within the idle time; the first one after that is rendered at once, woken
 * aggregation thread, from the last rotation's snapshot). OpenMetrics (for exemplars) and the gzip'd bodies
 * are prepared only while a scrape asked for them within {@link ExpositionSettings#onDemandIdleMillis()}:
 * <ul>
 *   <li>OpenMetrics is rendered with the Prometheus text at the rotation. The first OpenMetrics
 *       scrape after an idle period waits for the next rotation (≤ 1 s, {@link #openMetrics}).</li>
 *   <li>gzip (Prometheus asks for it on every scrape) is compressed at most once per rendering, at
 *       {@link Deflater#BEST_SPEED}, on a background thread right after the rotations shortly before
 *       the next gzip scrape is expected ({@link #compressAhead}), so the scrape finds the compressed
 *       bytes ready; a scrape that comes before that compresses its rendering itself (once, shared).
 *       Netty's per-response compressor did this work on every scrape, at the default level.</li>
 * </ul>
 *
 * <p>Adding a metric family: implement {@link MetricFamilySource} and call {@link #addSource} while
 * wiring the daemon ({@code io.hotpath.daemon.Daemon}); it then appears in both formats and in
 * Pushgateway pushes.
 */
public final class MetricsRenderer implements AutoCloseable
{
    private static final Logger LOG = Logger.getLogger(MetricsRenderer.class.getName());
    private static final long NEVER = Long.MIN_VALUE / 2;
    static final long GZIP_AHEAD_MILLIS = 2_500;
    /** A rendering younger than this is the last rotation's (rotations are 1 s apart; a late one is tolerated). */
    static final long CURRENT_MILLIS = 2_000;

    private final long onDemandIdleMillis;
    private final List<MetricFamilySource> sources = new CopyOnWriteArrayList<>();
    /** Families of the daemon process itself: scraped, not pushed. */
    private final List<MetricFamilySource> processSources = new CopyOnWriteArrayList<>();
    private final TextMetricWriter prometheus = new TextMetricWriter(false);
    private final TextMetricWriter openMetrics = new TextMetricWriter(true);
    /** The protobuf exposition (native histograms), rendered like OpenMetrics: while scrapes ask for it. */
    private final ProtobufMetricWriter protobuf = new ProtobufMetricWriter();
    private final OnDemand protobufAsked = new OnDemand();
    private volatile RenderedMetrics latest = new RenderedMetrics(new byte[0], "# EOF\n".getBytes(), 0, 0);
    private final OnDemand openMetricsAsked = new OnDemand();
    private volatile long gzipAskedAtMillis = NEVER;
    /** Time between the last two gzip scrapes (0 until known): compressing ahead is only worth it shortly before the next. */
    private volatile long gzipIntervalMillis;
    private final AtomicReference<RenderedMetrics> toCompress = new AtomicReference<>();
    private ExecutorService compressor;
    /** {@link #renderOnlyWhenAsked}: rotations render nothing while no scrape asked for the idle time. */
    private volatile boolean onlyWhenAsked;
    /** Wakes the aggregation thread when a scrape waits, so that it renders at once ({@link #waiting}). */
    private volatile Runnable wakeUp = () -> { };
    private final OnDemand textAsked = new OnDemand();

    /** Every rendering prepared at every rotation (tests, benchmarks). */
    public MetricsRenderer()
    {
        this(0);
    }

    public MetricsRenderer(final ExpositionSettings settings)
    {
        this(settings.onDemandIdleMillis());
    }

    private MetricsRenderer(final long onDemandIdleMillis)
    {
        this.onDemandIdleMillis = onDemandIdleMillis;
    }

    /**
     * The daemon's mode: while no scrape of any format came within the on-demand idle time, a
     * rotation renders nothing (an idle, unscraped daemon's largest periodic cost); the first scrape
     * after that waits for a rendering of the last rotation's snapshot ({@link #text}; the
     * aggregation thread, woken by {@code wakeUpRenderer}, renders when {@link #waiting}), so what it
     * gets is never older than a second. Without it (tests, benchmarks) every rotation renders the Prometheus text.
     */
    public MetricsRenderer renderOnlyWhenAsked(final Runnable wakeUpRenderer)
    {
        wakeUp = wakeUpRenderer;
        onlyWhenAsked = true;
        return this;
    }

    /**
     * Whether a scrape waits for a rendering: the aggregation thread then renders the last rotation's
     * snapshot at once instead of at the next rotation.
     */
    public boolean waiting()
    {
        return textAsked.waiting() || openMetricsAsked.waiting() || protobufAsked.waiting();
    }

    /**
     * A rendering of the Prometheus text: the latest if it is the last rotation's, else one rendered
     * for this call (see {@link #renderOnlyWhenAsked}). Any thread.
     */
    public CompletableFuture<RenderedMetrics> text(final long nowEpochMillis)
    {
        return textAsked.ask(nowEpochMillis, rendered -> true);
    }

    /** Whether a rendering is recent enough to serve: always, unless renderings stop while nobody asks. */
    private boolean current(final RenderedMetrics rendered, final long nowEpochMillis)
    {
        return !onlyWhenAsked || nowEpochMillis - rendered.renderedAtEpochMillis() < CURRENT_MILLIS;
    }

    public void addSource(final MetricFamilySource source)
    {
        sources.add(source);
    }

    public void addProcessSource(final MetricFamilySource source)
    {
        processSources.add(source);
    }

    /** The last rendering; its {@link RenderedMetrics#openMetricsText()} is null when OpenMetrics was not asked for lately. */
    public RenderedMetrics latest()
    {
        return latest;
    }

    /**
     * A rendering with OpenMetrics: the latest if it has it, else the next rotation's (which will
     * render it, since this call asks for it). Any thread.
     */
    public CompletableFuture<RenderedMetrics> openMetrics(final long nowEpochMillis)
    {
        return openMetricsAsked.ask(nowEpochMillis, rendered -> rendered.openMetricsText() != null);
    }

    /**
     * A rendering with the protobuf exposition: the latest if it has it, else the next rotation's.
     * Any thread.
     */
    public CompletableFuture<RenderedMetrics> protobuf(final long nowEpochMillis)
    {
        return protobufAsked.ask(nowEpochMillis, rendered -> rendered.protobuf() != null);
    }

    /** Notes that a client accepts gzip, so that the next renderings are compressed ahead of the scrape. Any thread. */
    public void gzipAsked(final long nowEpochMillis)
    {
        final long previous = gzipAskedAtMillis;
        if (previous != NEVER && nowEpochMillis > previous)
        {
            gzipIntervalMillis = nowEpochMillis - previous;
        }
        gzipAskedAtMillis = nowEpochMillis;
    }

    /**
     * Whether this rotation's rendering should be compressed ahead: while gzip scrapes come (within
     * the idle time), and from {@value #GZIP_AHEAD_MILLIS} ms before the next one is expected (a
     * Prometheus scraping every 15 s then costs ~3 compressions per scrape, not 15). A scrape that
     * comes earlier than expected compresses its rendering itself, once.
     */
    private boolean compressAhead(final long nowEpochMillis)
    {
        final long askedAt = gzipAskedAtMillis;
        return onDemandIdleMillis > 0 && wanted(askedAt, nowEpochMillis)
            && nowEpochMillis - askedAt >= gzipIntervalMillis - GZIP_AHEAD_MILLIS;
    }

    private boolean wanted(final long askedAtMillis, final long nowEpochMillis)
    {
        return onDemandIdleMillis <= 0 || nowEpochMillis - askedAtMillis <= onDemandIdleMillis;
    }

    /** On the aggregation thread, after each rotation. */
    public void render(final AggregateSnapshot snapshot, final long nowEpochMillis)
    {
        final long started = System.nanoTime();
        final boolean withOpenMetrics = wanted(openMetricsAsked.askedAtMillis, nowEpochMillis);
        final boolean withProtobuf = wanted(protobufAsked.askedAtMillis, nowEpochMillis);
        if (onlyWhenAsked && !withOpenMetrics && !withProtobuf && !wanted(textAsked.askedAtMillis, nowEpochMillis))
        {
            return; // nobody scraped lately: the next scrape has the last rotation's snapshot rendered for it
        }
        prometheus.reset();
        openMetrics.reset();
        protobuf.reset();
        for (final MetricFamilySource source : sources)
        {
            write(source, snapshot, withOpenMetrics, withProtobuf);
        }
        for (final MetricFamilySource source : processSources)
        {
            write(source, snapshot, withOpenMetrics, withProtobuf);
        }
        final RenderedMetrics rendered = new RenderedMetrics(
            prometheus.finish(), withOpenMetrics ? openMetrics.finish() : null, System.nanoTime() - started, nowEpochMillis);
        rendered.protobuf = withProtobuf ? protobuf.finish() : null;
        latest = rendered;
        textAsked.complete(rendered);
        if (withProtobuf)
        {
            protobufAsked.complete(rendered);
        }
        if (withOpenMetrics)
        {
            openMetricsAsked.complete(rendered);
        }
        if (compressAhead(nowEpochMillis))
        {
            compressInBackground(rendered);
        }
    }

    private void write(final MetricFamilySource source, final AggregateSnapshot snapshot, final boolean withOpenMetrics,
        final boolean withProtobuf)
    {
        try
        {
            source.writeTo(prometheus, snapshot);
            if (withOpenMetrics)
            {
                source.writeTo(openMetrics, snapshot);
            }
            if (withProtobuf)
            {
                source.writeTo(protobuf, snapshot);
            }
        }
        catch (final RuntimeException e)
        {
            LOG.log(Level.WARNING, "metric family source " + source.getClass().getName() + " failed", e);
        }
    }

    /** Coalescing: if the compressor is behind, it skips to the newest rendering. */
    private void compressInBackground(final RenderedMetrics rendered)
    {
        if (compressor == null)
        {
            compressor = Executors.newSingleThreadExecutor(r ->
            {
                final Thread thread = new Thread(r, "hotpathd-gzip");
                thread.setDaemon(true);
                return thread;
            });
        }
        if (toCompress.getAndSet(rendered) == null)
        {
            compressor.execute(() ->
            {
                final RenderedMetrics next = toCompress.getAndSet(null);
                if (next != null)
                {
                    next.gzipped(false);
                    if (next.openMetricsText() != null)
                    {
                        next.gzipped(true);
                    }
                }
            });
        }
    }

    @Override
    public void close()
    {
        if (compressor != null)
        {
            compressor.shutdownNow();
        }
        openMetricsAsked.cancel();
        protobufAsked.cancel();
        textAsked.cancel();
    }

    /** The families to push ({@link #addSource} ones, not the process' own), as simpleclient samples. */
    public List<Collector.MetricFamilySamples> samplesForPush(final AggregateSnapshot snapshot)
    {
        final SamplesMetricWriter writer = new SamplesMetricWriter();
        for (final MetricFamilySource source : sources)
        {
            try
            {
                source.writeTo(writer, snapshot);
            }
            catch (final RuntimeException e)
            {
                LOG.log(Level.WARNING, "metric family source " + source.getClass().getName() + " failed", e);
            }
        }
        return writer.finish();
    }

    /** A format rendered only while scrapes ask for it: when it was last asked for, and the scrapes waiting for it. */
    private final class OnDemand
    {
        volatile long askedAtMillis = NEVER;
        private final Queue<CompletableFuture<RenderedMetrics>> waiters = new ConcurrentLinkedQueue<>();

        /**
         * The latest rendering if it has the format and is current, else the next one (rendered at
         * the next rotation or, woken, at once: since this asks, it will have the format).
         */
        CompletableFuture<RenderedMetrics> ask(final long nowEpochMillis, final Predicate<RenderedMetrics> hasFormat)
        {
            askedAtMillis = nowEpochMillis;
            RenderedMetrics rendered = latest;
            if (hasFormat.test(rendered) && current(rendered, nowEpochMillis))
            {
                return CompletableFuture.completedFuture(rendered);
            }
            final CompletableFuture<RenderedMetrics> waiter = new CompletableFuture<>();
            waiters.add(waiter);
            wakeUp.run();
            rendered = latest; // published between the check and the add: its waiters were already drained
            if (hasFormat.test(rendered) && current(rendered, nowEpochMillis))
            {
                waiter.complete(rendered);
            }
            return waiter;
        }

        boolean waiting()
        {
            return !waiters.isEmpty();
        }

        void complete(final RenderedMetrics rendered)
        {
            CompletableFuture<RenderedMetrics> waiter;
            while ((waiter = waiters.poll()) != null)
            {
                waiter.complete(rendered);
            }
        }

        void cancel()
        {
            CompletableFuture<RenderedMetrics> waiter;
            while ((waiter = waiters.poll()) != null)
            {
                waiter.cancel(false);
            }
        }
    }
}
