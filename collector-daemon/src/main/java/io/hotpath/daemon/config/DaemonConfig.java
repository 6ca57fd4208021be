package io.hotpath.daemon.config;

import io.hotpath.wire.config.Sizes;
import io.hotpath.wire.config.Durations;
import com.fasterxml.jackson.annotation.JsonSetter;
import io.hotpath.daemon.detect.AnomalySettings;
import io.hotpath.daemon.expose.ExpositionSettings;
import io.hotpath.daemon.slo.SloFile;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * hotpathd's configuration, bound from YAML by {@link ConfigLoader} (keys in kebab-case, documented
 * with their defaults in {@code hotpathd-default.yaml}). Setters validate, so a bad value fails with
 * the file, line and field of the YAML that set it.
 */
public final class DaemonConfig
{
    public static final String DEFAULT_LISTEN = "127.0.0.1:9464";

    private InetSocketAddress listen = parseListen(DEFAULT_LISTEN);
    private String listenText = DEFAULT_LISTEN;
    private Spool spool = new Spool();
    private State state = new State();
    private Aggregation aggregation = new Aggregation();
    private Push push = new Push();
    private Anomaly anomaly = new Anomaly();
    private Slo slo = new Slo();
    private Metrics metrics = new Metrics();
    private Http http = new Http();
    private List<RemoteWriteEndpoint> remoteWrite = List.of();
    private io.hotpath.daemon.act.alert.AlertingConfig alerting = new io.hotpath.daemon.act.alert.AlertingConfig();
    private io.hotpath.daemon.act.incident.IncidentsConfig incidents = new io.hotpath.daemon.act.incident.IncidentsConfig();
    private io.hotpath.daemon.act.action.RemediationConfig remediation = new io.hotpath.daemon.act.action.RemediationConfig();
    private Web web = new Web();

    public InetSocketAddress listenAddress()
    {
        return listen;
    }

    public String listen()
    {
        return listenText;
    }

    @JsonSetter("listen")
    public void setListen(final String value)
    {
        listen = parseListen(value);
        listenText = value;
    }

    public Spool getSpool()
    {
        return spool;
    }

    public State getState()
    {
        return state;
    }

    public Aggregation getAggregation()
    {
        return aggregation;
    }

    public Push getPush()
    {
        return push;
    }

    public void setSpool(final Spool value)
    {
        spool = value;
    }

    public void setState(final State value)
    {
        state = value;
    }

    public void setAggregation(final Aggregation value)
    {
        aggregation = value;
    }

    public void setPush(final Push value)
    {
        push = value;
    }

    public Anomaly getAnomaly()
    {
        return anomaly;
    }

    public void setAnomaly(final Anomaly value)
    {
        anomaly = value;
    }

    public Metrics getMetrics()
    {
        return metrics;
    }

    public void setMetrics(final Metrics value)
    {
        metrics = value;
    }

    public Http getHttp()
    {
        return http;
    }

    public void setHttp(final Http value)
    {
        http = value;
    }

    public Slo getSlo()
    {
        return slo;
    }

    public void setSlo(final Slo value)
    {
        slo = value;
    }

    /**
     * The histogram bucket bounds in effect: {@code aggregation.histogram-buckets} plus every latency
     * threshold of the SLO file, so that the rules {@code hotpathd rules} writes for an SLO always
     * find their {@code le} bucket.
     */
    public long[] histogramBucketsNanos()
    {
        final java.util.TreeSet<Long> bounds = new java.util.TreeSet<>();
        for (final long bound : aggregation.bucketBoundsNanos())
        {
            bounds.add(bound);
        }
        if (slo.slos() != null)
        {
            for (final io.hotpath.daemon.slo.SloDefinition definition : slo.slos().slos())
            {
                if (definition.sli().type() == io.hotpath.daemon.slo.SliSpec.Type.LATENCY && definition.sli().thresholdNanos() > 0)
                {
                    bounds.add(definition.sli().thresholdNanos());
                }
            }
        }
        return bounds.stream().mapToLong(Long::longValue).toArray();
    }

    /** {@link Aggregation#toSettings()} with {@link #histogramBucketsNanos()}. */
    public io.hotpath.daemon.aggregate.AggregationSettings aggregationSettings()
    {
        final io.hotpath.daemon.aggregate.AggregationSettings settings = aggregation.toSettings();
        return new io.hotpath.daemon.aggregate.AggregationSettings(histogramBucketsNanos(), settings.maxSeriesPerMetric(),
            settings.exemplarQuantiles());
    }

    /** {@code remote-write:} endpoints hotpathd sends its series to every second (empty: none). */
    public List<RemoteWriteEndpoint> getRemoteWrite()
    {
        return remoteWrite;
    }

    @JsonSetter("remote-write")
    @com.fasterxml.jackson.annotation.JsonAlias("remote_write")
    public void setRemoteWrite(final List<RemoteWriteEndpoint> value)
    {
        for (final RemoteWriteEndpoint endpoint : value)
        {
            endpoint.validate();
        }
        remoteWrite = List.copyOf(value);
    }

    /** {@code alerting:} Alertmanager(s) that incidents are posted to. */
    public io.hotpath.daemon.act.alert.AlertingConfig getAlerting()
    {
        return alerting;
    }

    public void setAlerting(final io.hotpath.daemon.act.alert.AlertingConfig value)
    {
        alerting = value;
    }

    /** {@code incidents:} the incident timeline's retention. */
    public io.hotpath.daemon.act.incident.IncidentsConfig getIncidents()
    {
        return incidents;
    }

    public void setIncidents(final io.hotpath.daemon.act.incident.IncidentsConfig value)
    {
        incidents = value;
    }

    /** {@code remediation:} actions run on incidents, with their guardrails. */
    public io.hotpath.daemon.act.action.RemediationConfig getRemediation()
    {
        return remediation;
    }

    public void setRemediation(final io.hotpath.daemon.act.action.RemediationConfig value)
    {
        remediation = value;
    }

    public Web getWeb()
    {
        return web;
    }

    public void setWeb(final Web value)
    {
        web = value;
    }

    /** Parses {@code HOST:PORT} (IPv6 as {@code [::1]:9464}). */
    public static InetSocketAddress parseListen(final String value)
    {
        final int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1)
        {
            throw new IllegalArgumentException("expected HOST:PORT such as 127.0.0.1:9464, got '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]"))
        {
            host = host.substring(1, host.length() - 1);
        }
        final int port;
        try
        {
            port = Integer.parseInt(value.substring(colon + 1));
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalArgumentException("port of '" + value + "' is not a number");
        }
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** {@code spool:} where agents write their queues, and retention of finished ones. */
    public static final class Spool
    {
        private Path dir = Path.of("/var/lib/hotpath/spool");
        private long scanIntervalMillis = 1000;
        private long maxAgeMillis = Durations.millis("7d");
        private long maxTotalBytes = Sizes.bytes("2GiB");

        public Path dir()
        {
            return dir;
        }

        public void setDir(final String value)
        {
            dir = Path.of(nonEmpty(value));
        }

        public long scanIntervalMillis()
        {
            return scanIntervalMillis;
        }

        public void setScanInterval(final String value)
        {
            scanIntervalMillis = positive(Durations.millis(value));
        }

        public long maxAgeMillis()
        {
            return maxAgeMillis;
        }

        public long maxTotalBytes()
        {
            return maxTotalBytes;
        }

        @JsonSetter("retention")
        public void setRetention(final Map<String, String> retention)
        {
            for (final Map.Entry<String, String> entry : retention.entrySet())
            {
                switch (entry.getKey())
                {
                    case "max-age": maxAgeMillis = positive(Durations.millis(String.valueOf(entry.getValue()))); break;
                    case "max-total-size": maxTotalBytes = positive(Sizes.bytes(String.valueOf(entry.getValue()))); break;
                    default: throw new IllegalArgumentException("unknown retention key '" + entry.getKey() +
                        "' (expected max-age or max-total-size)");
                }
            }
        }
    }

    /** {@code state:} checkpoints. */
    public static final class State
    {
        private Path dir = Path.of("/var/lib/hotpath/state");
        private long checkpointIntervalMillis = 1000;

        public Path dir()
        {
            return dir;
        }

        public void setDir(final String value)
        {
            dir = Path.of(nonEmpty(value));
        }

        public long checkpointIntervalMillis()
        {
            return checkpointIntervalMillis;
        }

        public void setCheckpointInterval(final String value)
        {
            checkpointIntervalMillis = positive(Durations.millis(value));
        }
    }

    /** {@code aggregation:} buckets, cardinality cap, exemplars. */
    public static final class Aggregation
    {
        private long[] bucketBoundsNanos = io.hotpath.daemon.aggregate.AggregationSettings.DEFAULT_BUCKETS_NANOS.clone();
        private int maxSeriesPerMetric = 1000;
        private double[] exemplarQuantiles = { 0.99 };

        public long[] bucketBoundsNanos()
        {
            return bucketBoundsNanos.clone();
        }

        /** Bucket upper bounds in seconds, ascending. */
        public void setHistogramBuckets(final List<Double> seconds)
        {
            if (seconds.isEmpty())
            {
                throw new IllegalArgumentException("at least one bucket is needed");
            }
            final long[] nanos = new long[seconds.size()];
            for (int i = 0; i < nanos.length; i++)
            {
                final double value = seconds.get(i);
                if (!(value > 0) || value > 3600)
                {
                    throw new IllegalArgumentException("bucket " + value + " s is outside (0, 3600]");
                }
                nanos[i] = Math.round(value * 1e9);
                if (i > 0 && nanos[i] <= nanos[i - 1])
                {
                    throw new IllegalArgumentException("buckets must be strictly ascending: " + seconds);
                }
            }
            bucketBoundsNanos = nanos;
        }

        public int maxSeriesPerMetric()
        {
            return maxSeriesPerMetric;
        }

        public void setMaxSeriesPerMetric(final int value)
        {
            maxSeriesPerMetric = (int)positive(value);
        }

        public double[] exemplarQuantiles()
        {
            return exemplarQuantiles.clone();
        }

        public void setExemplarQuantiles(final List<Double> quantiles)
        {
            final double[] values = new double[quantiles.size()];
            for (int i = 0; i < values.length; i++)
            {
                values[i] = quantiles.get(i);
                if (!(values[i] > 0 && values[i] <= 1))
                {
                    throw new IllegalArgumentException("quantile " + values[i] + " is outside (0, 1]");
                }
            }
            exemplarQuantiles = values;
        }

        public io.hotpath.daemon.aggregate.AggregationSettings toSettings()
        {
            return new io.hotpath.daemon.aggregate.AggregationSettings(bucketBoundsNanos, maxSeriesPerMetric, exemplarQuantiles);
        }
    }

    /** {@code push:} optional Pushgateway. */
    public static final class Push
    {
        private boolean enabled;
        private URI url = URI.create("http://127.0.0.1:9091");
        private long intervalMillis = 15_000;
        /** Not "hotpathd": that is the usual scrape job, and with honor_labels pushed and scraped series would sum. */
        private String job = "hotpathd_push";
        private final Map<String, String> groupingKey = new LinkedHashMap<>();
        /** The Pushgateway keeps a group for ever: a daemon that stops cleanly removes its own. */
        private boolean deleteOnShutdown = true;

        public boolean enabled()
        {
            return enabled;
        }

        public void setEnabled(final boolean value)
        {
            enabled = value;
        }

        public URI url()
        {
            return url;
        }

        public void setUrl(final String value)
        {
            url = Urls.httpUrl(value, "http://127.0.0.1:9091");
        }

        public long intervalMillis()
        {
            return intervalMillis;
        }

        public void setInterval(final String value)
        {
            intervalMillis = positive(Durations.millis(value));
        }

        public String job()
        {
            return job;
        }

        public void setJob(final String value)
        {
            job = nonEmpty(value);
        }

        /** Extra grouping labels; {@code instance} defaults to the host name. */
        public Map<String, String> groupingKey()
        {
            return groupingKey;
        }

        public void setGroupingKey(final Map<String, String> value)
        {
            for (final String key : value.keySet())
            {
                if (!key.matches("[a-zA-Z_][a-zA-Z0-9_]*"))
                {
                    throw new IllegalArgumentException("grouping key label '" + key + "' is not a valid label name");
                }
            }
            groupingKey.clear();
            groupingKey.putAll(value);
        }

        public boolean deleteOnShutdown()
        {
            return deleteOnShutdown;
        }

        public void setDeleteOnShutdown(final boolean value)
        {
            deleteOnShutdown = value;
        }
    }

    /**
     * {@code anomaly:} anomaly detection on every series' 1 s intervals (on by default, with the
     * built-in detector settings). Settings come from {@code file} or inline under {@code settings}
     * (the format of ANALYSIS.md, snake_case keys), not both; {@link ConfigLoader} binds the inline
     * form so that its errors name the line in the daemon's own file.
     */
    public static final class Anomaly
    {
        /** Which {@code hotpath_anomaly_score} / {@code hotpath_anomaly_active} samples {@code /metrics} carries. */
        public enum ExposeScores
        {
            /** Only monitors with an open event (what alerts and dashboards need; cheap at any series count). */
            ACTIVE,
            /** Every series, signal and detector (6 samples of each family per series with the defaults). */
            ALL
        }

        private boolean enabled = true;
        private Path file;
        private boolean inlineGiven;
        private AnomalySettings settings;
        private ExposeScores exposeScores = ExposeScores.ACTIVE;

        public boolean enabled()
        {
            return enabled;
        }

        public void setEnabled(final boolean value)
        {
            enabled = value;
        }

        public Path file()
        {
            return file;
        }

        /** Reads and validates the settings file at once, so a mistake in it stops the start. */
        public void setFile(final String value)
        {
            final Path path = Path.of(nonEmpty(value));
            try
            {
                settings = AnomalySettings.load(path);
            }
            catch (final io.hotpath.daemon.config.ConfigException e)
            {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            file = path;
        }

        /** The inline form; its content is bound by {@link ConfigLoader} (which knows the lines). */
        @JsonSetter("settings")
        public void setInlineSettings(final Object ignoredValue)
        {
            inlineGiven = true;
        }

        boolean inlineGiven()
        {
            return inlineGiven;
        }

        /** Settings built elsewhere (the loader's inline binding, tests). */
        public void useSettings(final AnomalySettings value)
        {
            settings = value;
        }

        /** The effective settings: from the file or inline, else the built-in defaults. */
        public AnomalySettings settings()
        {
            return settings != null ? settings : AnomalySettings.defaults();
        }

        public ExposeScores exposeScores()
        {
            return exposeScores;
        }

        public void setExposeScores(final String value)
        {
            switch (String.valueOf(value))
            {
                case "active": exposeScores = ExposeScores.ACTIVE; break;
                case "all": exposeScores = ExposeScores.ALL; break;
                default: throw new IllegalArgumentException("expected active or all, got '" + value + "'");
            }
        }
    }

    /** {@code metrics:} what {@code GET /metrics} carries per series, and which renderings are prepared ahead (see {@link ExpositionSettings}). */
    public static final class Metrics
    {
        private List<String> quantileWindows = ExpositionSettings.DEFAULT_WINDOWS;
        private List<String> quantiles = ExpositionSettings.ALL_QUANTILES;
        private long onDemandIdleMillis = ExpositionSettings.DEFAULT_ON_DEMAND_IDLE_MILLIS;

        /** Windows of {@code hotpath_duration_quantile_seconds}: some of 1s, 1m, 5m, 15m, 1h (may be empty). */
        public void setQuantileWindows(final List<String> value)
        {
            quantileWindows = new ExpositionSettings(value, quantiles, onDemandIdleMillis).quantileWindows();
        }

        /** Quantiles of {@code hotpath_duration_quantile_seconds}: some of 0.5, 0.9, 0.95, 0.99, 0.999, 1 (the max). */
        public void setQuantiles(final List<Double> value)
        {
            final List<String> labels = new java.util.ArrayList<>();
            for (final Double quantile : value)
            {
                final int index = quantile == null ? -1 : indexOf(quantile);
                if (index < 0)
                {
                    throw new IllegalArgumentException("quantile " + quantile + " is not computed, expected some of "
                        + ExpositionSettings.ALL_QUANTILES);
                }
                labels.add(io.hotpath.daemon.aggregate.Quantiles.REPORTED_LABELS[index]);
            }
            quantiles = new ExpositionSettings(quantileWindows, labels, onDemandIdleMillis).quantiles();
        }

        private static int indexOf(final double quantile)
        {
            final double[] reported = io.hotpath.daemon.aggregate.Quantiles.REPORTED;
            for (int i = 0; i < reported.length; i++)
            {
                if (reported[i] == quantile)
                {
                    return i;
                }
            }
            return -1;
        }

        private int nativeHistogramSchema = io.hotpath.daemon.aggregate.NativeHistogramLayout.DEFAULT_SCHEMA;
        private long seriesIdleTimeoutMillis = Durations.millis("5m");

        /** Schema of the native histograms (protobuf exposition, remote_write): 5 … 8; 7 keeps quantiles within 1 % (see NativeHistogramLayout). */
        public void setNativeHistogramSchema(final int value)
        {
            if (value < 5 || value > io.hotpath.daemon.aggregate.NativeHistogramLayout.MAX_SCHEMA)
            {
                throw new IllegalArgumentException("expected a schema from 5 to 8 (bucket widths 2.2 % to 0.27 %), got " + value);
            }
            nativeHistogramSchema = value;
        }

        public int nativeHistogramSchema()
        {
            return nativeHistogramSchema;
        }

        /** A series without samples for this long leaves /metrics and gets a staleness marker in remote_write. */
        public void setSeriesIdleTimeout(final String value)
        {
            seriesIdleTimeoutMillis = positive(Durations.millis(value));
        }

        public long seriesIdleTimeoutMillis()
        {
            return seriesIdleTimeoutMillis;
        }

        /** OpenMetrics and gzip are prepared at each rotation until no scrape asked for them for this long. */
        public void setOnDemandIdle(final String value)
        {
            onDemandIdleMillis = positive(Durations.millis(value));
        }

        public ExpositionSettings settings()
        {
            return new ExpositionSettings(quantileWindows, quantiles, onDemandIdleMillis);
        }
    }

    /** {@code slo:} SLOs computed live (optional); their counters live in the checkpoint under {@code state.dir}. */
    public static final class Slo
    {
        private Path file;
        private SloFile slos;

        public Path file()
        {
            return file;
        }

        /** Reads and validates the SLO file at once, so a mistake in it stops the start. */
        public void setFile(final String value)
        {
            final Path path = Path.of(nonEmpty(value));
            try
            {
                slos = SloFile.load(path);
            }
            catch (final io.hotpath.daemon.config.ConfigException e)
            {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            file = path;
        }

        /** The SLOs, or null when none are configured. */
        public SloFile slos()
        {
            return slos;
        }
    }

    /** {@code http:} limits of the listener (see {@link io.hotpath.daemon.expose.HttpLimits}). */
    public static final class Http
    {
        private int maxConnections = io.hotpath.daemon.expose.HttpLimits.DEFAULT_MAX_CONNECTIONS;
        private long idleTimeoutMillis = io.hotpath.daemon.expose.HttpLimits.DEFAULT_IDLE_TIMEOUT_MILLIS;
        private long requestTimeoutMillis = io.hotpath.daemon.expose.HttpLimits.DEFAULT_REQUEST_TIMEOUT_MILLIS;

        public void setMaxConnections(final int value)
        {
            maxConnections = (int)positive(value);
        }

        public void setIdleTimeout(final String value)
        {
            idleTimeoutMillis = positive(Durations.millis(value));
        }

        public void setRequestTimeout(final String value)
        {
            requestTimeoutMillis = positive(Durations.millis(value));
        }

        public io.hotpath.daemon.expose.HttpLimits limits()
        {
            return new io.hotpath.daemon.expose.HttpLimits(maxConnections, idleTimeoutMillis, requestTimeoutMillis);
        }
    }

    /**
     * {@code web:} TLS and basic authentication of the listener, from a file in the format of
     * Prometheus exporters' {@code --web.config.file} ({@link io.hotpath.daemon.expose.web.WebConfig}),
     * read and checked (certificate and key included) when this config is.
     */
    public static final class Web
    {
        private io.hotpath.daemon.expose.web.WebConfig config = io.hotpath.daemon.expose.web.WebConfig.NONE;

        public void setConfigFile(final String value)
        {
            config = io.hotpath.daemon.expose.web.WebConfig.load(Path.of(nonEmpty(value)));
        }

        public io.hotpath.daemon.expose.web.WebConfig config()
        {
            return config;
        }
    }

    private static String nonEmpty(final String value)
    {
        if (value == null || value.isBlank())
        {
            throw new IllegalArgumentException("must not be empty");
        }
        return value;
    }

    private static long positive(final long value)
    {
        if (value <= 0)
        {
            throw new IllegalArgumentException("must be positive, got " + value);
        }
        return value;
    }
}
