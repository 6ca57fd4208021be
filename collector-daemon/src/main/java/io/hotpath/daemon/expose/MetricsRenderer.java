package io.hotpath.daemon.expose;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.prometheus.client.Collector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Renders every {@link MetricFamilySource} once per rotation, on the aggregation thread, into
 * Prometheus text and OpenMetrics bytes that {@code GET /metrics} serves as they are. Publication is
 * one volatile write of an immutable {@link RenderedMetrics}.
 *
 * <p>Adding a metric family: implement {@link MetricFamilySource} and call {@link #addSource} while
 * wiring the daemon ({@code io.hotpath.daemon.Daemon}); it then appears in both formats and in
 * Pushgateway pushes.
 */
public final class MetricsRenderer
{
    private static final Logger LOG = Logger.getLogger(MetricsRenderer.class.getName());

    private final List<MetricFamilySource> sources = new CopyOnWriteArrayList<>();
    /** Families of the daemon process itself: scraped, not pushed. */
    private final List<MetricFamilySource> processSources = new CopyOnWriteArrayList<>();
    private final TextMetricWriter prometheus = new TextMetricWriter(false);
    private final TextMetricWriter openMetrics = new TextMetricWriter(true);
    private volatile RenderedMetrics latest = new RenderedMetrics(new byte[0], "# EOF\n".getBytes(), 0, 0);

    public void addSource(final MetricFamilySource source)
    {
        sources.add(source);
    }

    public void addProcessSource(final MetricFamilySource source)
    {
        processSources.add(source);
    }

    public RenderedMetrics latest()
    {
        return latest;
    }

    public void render(final AggregateSnapshot snapshot, final long nowEpochMillis)
    {
        final long started = System.nanoTime();
        prometheus.reset();
        openMetrics.reset();
        for (final MetricFamilySource source : sources)
        {
            write(source, snapshot);
        }
        for (final MetricFamilySource source : processSources)
        {
            write(source, snapshot);
        }
        latest = new RenderedMetrics(prometheus.finish(), openMetrics.finish(), System.nanoTime() - started, nowEpochMillis);
    }

    private void write(final MetricFamilySource source, final AggregateSnapshot snapshot)
    {
        try
        {
            source.writeTo(prometheus, snapshot);
            source.writeTo(openMetrics, snapshot);
        }
        catch (final RuntimeException e)
        {
            LOG.log(Level.WARNING, "metric family source " + source.getClass().getName() + " failed", e);
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

    /** One rotation's exposition, immutable. */
    public record RenderedMetrics(byte[] prometheusText, byte[] openMetricsText, long renderNanos, long renderedAtEpochMillis)
    {
    }
}
