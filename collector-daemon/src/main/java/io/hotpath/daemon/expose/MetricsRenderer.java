package io.hotpath.daemon.expose;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.prometheus.client.Collector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Renders every {@link MetricFamilySource} once per rotation, on the aggregation thread, into the
 * bytes {@code GET /metrics} serves as they are. Publication is one volatile write of a
 * {@link RenderedMetrics}; a scrape never renders.
 *
 * <h2>Only what is asked for</h2>
 * Prometheus text is rendered at every rotation (in the daemon, {@link #renderOnlyWhenAsked}: only
 * while some scrape came within the idle time; the first one after that is rendered on demand). OpenMetrics (for exemplars) and the gzip'd bodies
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
    private volatile long protobufAskedAtMillis = NEVER;
    private final Queue<CompletableFuture<RenderedMetrics>> protobufWaiters = new ConcurrentLinkedQueue<>();
    private volatile RenderedMetrics latest = new RenderedMetrics(new byte[0], "# EOF\n".getBytes(), 0, 0);
    private volatile long openMetricsAskedAtMillis = NEVER;
    private volatile long gzipAskedAtMillis = NEVER;
    /** Time between the last two gzip scrapes (0 until known): compressing ahead is only worth it shortly before the next. */
    private volatile long gzipIntervalMillis;
    private final Queue<CompletableFuture<RenderedMetrics>> openMetricsWaiters = new ConcurrentLinkedQueue<>();
    private final AtomicReference<RenderedMetrics> toCompress = new AtomicReference<>();
    private ExecutorService compressor;
    /** {@link #renderOnlyWhenAsked}: rotations render nothing while no scrape asked for the idle time. */
    private volatile boolean onlyWhenAsked;
    /** Wakes the aggregation thread when a scrape waits, so that it renders at once ({@link #waiting}). */
    private volatile Runnable wakeUp = () -> { };
    private volatile long textAskedAtMillis = NEVER;
    private final Queue<CompletableFuture<RenderedMetrics>> textWaiters = new ConcurrentLinkedQueue<>();

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
        return !textWaiters.isEmpty() || !openMetricsWaiters.isEmpty() || !protobufWaiters.isEmpty();
    }

    /**
     * A rendering of the Prometheus text: the latest if it is the last rotation's, else the next
     * rotation's (which will render it, since this call asks for it). Any thread.
     */
    public CompletableFuture<RenderedMetrics> text(final long nowEpochMillis)
    {
        textAskedAtMillis = nowEpochMillis;
        RenderedMetrics rendered = latest;
        if (current(rendered, nowEpochMillis))
        {
            return CompletableFuture.completedFuture(rendered);
        }
        final CompletableFuture<RenderedMetrics> waiter = new CompletableFuture<>();
        textWaiters.add(waiter);
        wakeUp.run();
        rendered = latest; // published between the check and the add: its waiters were already drained
        if (current(rendered, nowEpochMillis))
        {
            waiter.complete(rendered);
        }
        return waiter;
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
        openMetricsAskedAtMillis = nowEpochMillis;
        RenderedMetrics rendered = latest;
        if (rendered.openMetricsText() != null && current(rendered, nowEpochMillis))
        {
            return CompletableFuture.completedFuture(rendered);
        }
        final CompletableFuture<RenderedMetrics> waiter = new CompletableFuture<>();
        openMetricsWaiters.add(waiter);
        wakeUp.run();
        rendered = latest; // published between the check and the add: its waiters were already drained
        if (rendered.openMetricsText() != null && current(rendered, nowEpochMillis))
        {
            waiter.complete(rendered);
        }
        return waiter;
    }

    /**
     * A rendering with the protobuf exposition: the latest if it has it, else the next rotation's.
     * Any thread.
     */
    public CompletableFuture<RenderedMetrics> protobuf(final long nowEpochMillis)
    {
        protobufAskedAtMillis = nowEpochMillis;
        RenderedMetrics rendered = latest;
        if (rendered.protobuf() != null && current(rendered, nowEpochMillis))
        {
            return CompletableFuture.completedFuture(rendered);
        }
        final CompletableFuture<RenderedMetrics> waiter = new CompletableFuture<>();
        protobufWaiters.add(waiter);
        wakeUp.run();
        rendered = latest;
        if (rendered.protobuf() != null && current(rendered, nowEpochMillis))
        {
            waiter.complete(rendered);
        }
        return waiter;
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
        final boolean withOpenMetrics = wanted(openMetricsAskedAtMillis, nowEpochMillis);
        final boolean withProtobuf = wanted(protobufAskedAtMillis, nowEpochMillis);
        if (onlyWhenAsked && !withOpenMetrics && !withProtobuf && !wanted(textAskedAtMillis, nowEpochMillis))
        {
            return; // nobody scraped lately: the next scrape waits for the next rotation
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
        CompletableFuture<RenderedMetrics> textWaiter;
        while ((textWaiter = textWaiters.poll()) != null)
        {
            textWaiter.complete(rendered);
        }
        if (withProtobuf)
        {
            CompletableFuture<RenderedMetrics> waiter;
            while ((waiter = protobufWaiters.poll()) != null)
            {
                waiter.complete(rendered);
            }
        }
        if (withOpenMetrics)
        {
            CompletableFuture<RenderedMetrics> waiter;
            while ((waiter = openMetricsWaiters.poll()) != null)
            {
                waiter.complete(rendered);
            }
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
        CompletableFuture<RenderedMetrics> waiter;
        while ((waiter = openMetricsWaiters.poll()) != null)
        {
            waiter.cancel(false);
        }
        while ((waiter = protobufWaiters.poll()) != null)
        {
            waiter.cancel(false);
        }
        while ((waiter = textWaiters.poll()) != null)
        {
            waiter.cancel(false);
        }
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

    /** One rotation's exposition: the text immutable, its gzip'd form computed at most once per format. */
    public static final class RenderedMetrics
    {
        private final byte[] prometheusText;
        private final byte[] openMetricsText;
        private final long renderNanos;
        private final long renderedAtEpochMillis;
        private volatile byte[] prometheusGzip;
        private volatile byte[] openMetricsGzip;
        /** The protobuf exposition; null when nobody asked lately. Set before publication. */
        private byte[] protobuf;
        private volatile byte[] protobufGzip;

        RenderedMetrics(final byte[] prometheusText, final byte[] openMetricsText, final long renderNanos, final long renderedAtEpochMillis)
        {
            this.prometheusText = prometheusText;
            this.openMetricsText = openMetricsText;
            this.renderNanos = renderNanos;
            this.renderedAtEpochMillis = renderedAtEpochMillis;
        }

        public byte[] prometheusText()
        {
            return prometheusText;
        }

        /** Null when this rotation did not render OpenMetrics (nobody asked lately). */
        public byte[] openMetricsText()
        {
            return openMetricsText;
        }

        /** Null when this rotation did not render the protobuf exposition. */
        public byte[] protobuf()
        {
            return protobuf;
        }

        /** The protobuf exposition gzip'd, compressed once by the first scrape that asks. */
        public byte[] protobufGzipped()
        {
            byte[] gzip = protobufGzip;
            if (gzip == null)
            {
                synchronized (this)
                {
                    gzip = protobufGzip;
                    if (gzip == null)
                    {
                        gzip = gzip(protobuf);
                        protobufGzip = gzip;
                    }
                }
            }
            return gzip;
        }

        public long renderNanos()
        {
            return renderNanos;
        }

        public long renderedAtEpochMillis()
        {
            return renderedAtEpochMillis;
        }

        /** Whether {@link #gzipped} would return at once (compressed already). */
        boolean gzipReady(final boolean openMetrics)
        {
            return (openMetrics ? openMetricsGzip : prometheusGzip) != null;
        }

        /** The text gzip'd; compressed by the first caller (background compressor or scrape), then shared. */
        public byte[] gzipped(final boolean openMetrics)
        {
            byte[] gzip = openMetrics ? openMetricsGzip : prometheusGzip;
            if (gzip != null)
            {
                return gzip;
            }
            synchronized (this)
            {
                gzip = openMetrics ? openMetricsGzip : prometheusGzip;
                if (gzip == null)
                {
                    gzip = gzip(openMetrics ? openMetricsText : prometheusText);
                    if (openMetrics)
                    {
                        openMetricsGzip = gzip;
                    }
                    else
                    {
                        prometheusGzip = gzip;
                    }
                }
                return gzip;
            }
        }

        /** gzip as the scrape serves it ({@link Deflater#BEST_SPEED}). */
        public static byte[] gzip(final byte[] text)
        {
            final ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, text.length / 8));
            try (GZIPOutputStream gzip = new FastGzipOutputStream(out))
            {
                gzip.write(text);
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
            }
            return out.toByteArray();
        }
    }

    /** gzip at {@link Deflater#BEST_SPEED}: metric text compresses ~10× even so, at several times the speed of the default level. */
    private static final class FastGzipOutputStream extends GZIPOutputStream
    {
        FastGzipOutputStream(final ByteArrayOutputStream out) throws IOException
        {
            super(out, 64 * 1024);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
