package io.hotpath.daemon.push;

import io.hotpath.daemon.config.PushConfig;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.PushGateway;
import java.io.IOException;
import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.concurrent.atomic.AtomicLong;
import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.expose.Labels;
import io.hotpath.daemon.expose.MetricFamilySource;
import io.hotpath.daemon.expose.MetricType;
import io.hotpath.daemon.expose.MetricWriter;

/**
 * Pushes the hotpath families to a Prometheus Pushgateway with {@code simpleclient_pushgateway},
 * every {@code push.interval}, replacing this daemon's group ({@code PUT}: series that vanished
 * vanish there too). The group is {@code job} plus the grouping key, {@code instance} defaulting to
 * the host name. The families are prepared by the aggregation thread ({@link #offer}) so the push
 * thread never touches aggregation state; a slow or absent gateway only delays this thread.
 */
public final class PushgatewayPusher implements AutoCloseable, MetricFamilySource
{
    private static final Logger LOG = Logger.getLogger(PushgatewayPusher.class.getName());

    private final PushConfig config;
    private final PushGateway gateway;
    private final Map<String, String> groupingKey;
    private final ScheduledExecutorService scheduler;
    private volatile List<Collector.MetricFamilySamples> latest;
    private volatile boolean lastPushFailed;
    private long pushes;
    private final AtomicLong failures = new AtomicLong();
    private volatile long lastSuccessMillis;

    public PushgatewayPusher(final PushConfig config)
    {
        this.config = config;
        try
        {
            this.gateway = new PushGateway(new URL(config.url().toString()));
        }
        catch (final MalformedURLException e)
        {
            throw new IllegalArgumentException("push.url " + config.url() + ": " + e.getMessage(), e);
        }
        this.groupingKey = new LinkedHashMap<>();
        groupingKey.put("instance", hostName());
        groupingKey.putAll(config.groupingKey());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread thread = new Thread(r, "hotpathd-push");
            thread.setDaemon(true);
            return thread;
        });
    }

    public Map<String, String> groupingKey()
    {
        return groupingKey;
    }

    public void start()
    {
        scheduler.scheduleWithFixedDelay(this::pushLatest, config.intervalMillis(), config.intervalMillis(), TimeUnit.MILLISECONDS);
        LOG.info("pushing to " + config.url() + " every " + config.intervalMillis() + " ms as job " + config.job() + " " + groupingKey);
    }

    /** Hands over the families to push next (called on the aggregation thread). */
    public void offer(final List<Collector.MetricFamilySamples> families)
    {
        latest = families;
    }

    void pushLatest()
    {
        final List<Collector.MetricFamilySamples> families = latest;
        if (families == null)
        {
            return;
        }
        final CollectorRegistry registry = new CollectorRegistry();
        registry.register(new Collector()
        {
            @Override
            public List<MetricFamilySamples> collect()
            {
                return families;
            }
        });
        try
        {
            gateway.push(registry, config.job(), groupingKey);
            pushes++;
            lastSuccessMillis = System.currentTimeMillis();
            if (lastPushFailed)
            {
                LOG.info("push to " + config.url() + " works again");
            }
            lastPushFailed = false;
        }
        catch (final IOException | RuntimeException e)
        {
            failures.incrementAndGet();
            if (!lastPushFailed)
            {
                LOG.log(Level.WARNING, "push to " + config.url() + " failed (logged until it works again): " + e.getMessage());
            }
            lastPushFailed = true;
        }
    }

    /** Stops pushing; pushes one last time, or deletes the group when so configured. */
    @Override
    public void close()
    {
        scheduler.shutdownNow();
        try
        {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        if (config.deleteOnShutdown())
        {
            try
            {
                gateway.delete(config.job(), groupingKey);
                LOG.info("deleted group " + groupingKey + " of job " + config.job() + " from " + config.url());
            }
            catch (final IOException | RuntimeException e)
            {
                LOG.warning("could not delete the group from " + config.url() + ": " + e.getMessage());
            }
        }
        else
        {
            pushLatest();
        }
    }

    /** Pushes that failed so far (an unreachable or refusing gateway); also {@code hotpath_daemon_push_failures_total}. */
    public long failures()
    {
        return failures.get();
    }

    /**
     * {@code hotpath_daemon_push_failures_total} and the time of the last good push, so that an alert
     * sees a gateway that stopped accepting (the pushed families themselves go stale silently).
     */
    @Override
    public void writeTo(final MetricWriter writer, final AggregateSnapshot snapshot)
    {
        writer.family("hotpath_daemon_push_failures", MetricType.COUNTER,
            "Pushes to the Pushgateway that failed (unreachable, refused, error status).");
        writer.sample("_total", Labels.EMPTY, null, null, null, null, failures.get());
        writer.family("hotpath_daemon_push_last_success_timestamp_seconds", MetricType.GAUGE,
            "Unix time of the last successful push; 0 before the first.");
        writer.sample("", Labels.EMPTY, null, null, null, null, lastSuccessMillis / 1000.0);
    }

    static String hostName()
    {
        try
        {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (final IOException e)
        {
            final String env = System.getenv("HOSTNAME");
            return env != null ? env : "unknown";
        }
    }
}
