package io.hotpath.daemon.config;

import io.hotpath.daemon.config.syntax.Checks;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import io.hotpath.daemon.act.action.RemediationConfig;
import io.hotpath.daemon.act.alert.AlertingConfig;
import io.hotpath.daemon.act.incident.IncidentsConfig;
import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.detect.AnomalySettings;
import io.hotpath.daemon.slo.SliSpec;
import io.hotpath.daemon.slo.SloDefinition;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * hotpathd's configuration, bound from YAML by {@link ConfigLoader} (keys in kebab-case, documented
 * with their defaults in {@code hotpathd-default.yaml}). Setters validate, so a bad value fails with
 * the file, line and field of the YAML that set it. The sections are bound to their fields (a section
 * read from the file replaces the default one; {@link EffectiveConfig}'s overlays merge into it).
 */
public final class DaemonConfig
{
    public static final String DEFAULT_LISTEN = "127.0.0.1:9464";

    private InetSocketAddress listen = parseListen(DEFAULT_LISTEN);
    private String listenText = DEFAULT_LISTEN;
    @JsonProperty
    private SpoolConfig spool = new SpoolConfig();
    @JsonProperty
    private StateConfig state = new StateConfig();
    @JsonProperty
    private AggregationConfig aggregation = new AggregationConfig();
    @JsonProperty
    private PushConfig push = new PushConfig();
    @JsonProperty
    private Anomaly anomaly = new Anomaly();
    @JsonProperty
    private SloConfig slo = new SloConfig();
    @JsonProperty
    private MetricsConfig metrics = new MetricsConfig();
    @JsonProperty
    private HttpConfig http = new HttpConfig();
    private List<RemoteWriteEndpoint> remoteWrite = List.of();
    @JsonProperty
    private AlertingConfig alerting = new AlertingConfig();
    @JsonProperty
    private IncidentsConfig incidents = new IncidentsConfig();
    @JsonProperty
    private RemediationConfig remediation = new RemediationConfig();
    @JsonProperty
    private WebListenerConfig web = new WebListenerConfig();

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

    public SpoolConfig getSpool()
    {
        return spool;
    }

    public StateConfig getState()
    {
        return state;
    }

    public AggregationConfig getAggregation()
    {
        return aggregation;
    }

    public PushConfig getPush()
    {
        return push;
    }

    public Anomaly getAnomaly()
    {
        return anomaly;
    }

    public MetricsConfig getMetrics()
    {
        return metrics;
    }

    public HttpConfig getHttp()
    {
        return http;
    }

    public SloConfig getSlo()
    {
        return slo;
    }

    /**
     * The histogram bucket bounds in effect: {@code aggregation.histogram-buckets} plus every latency
     * threshold of the SLO file, so that the rules {@code hotpathd rules} writes for an SLO always
     * find their {@code le} bucket.
     */
    public long[] histogramBucketsNanos()
    {
        final TreeSet<Long> bounds = new TreeSet<>();
        for (final long bound : aggregation.bucketBoundsNanos())
        {
            bounds.add(bound);
        }
        if (slo.slos() != null)
        {
            for (final SloDefinition definition : slo.slos().slos())
            {
                if (definition.sli().type() == SliSpec.Type.LATENCY && definition.sli().thresholdNanos() > 0)
                {
                    bounds.add(definition.sli().thresholdNanos());
                }
            }
        }
        return bounds.stream().mapToLong(Long::longValue).toArray();
    }

    /** {@link AggregationConfig#toSettings()} with {@link #histogramBucketsNanos()}. */
    public AggregationSettings aggregationSettings()
    {
        final AggregationSettings settings = aggregation.toSettings();
        return new AggregationSettings(histogramBucketsNanos(), settings.maxSeriesPerMetric(),
            settings.exemplarQuantiles());
    }

    /** {@code remote-write:} endpoints hotpathd sends its series to every second (empty: none). */
    public List<RemoteWriteEndpoint> getRemoteWrite()
    {
        return remoteWrite;
    }

    @JsonSetter("remote-write")
    @JsonAlias("remote_write")
    public void setRemoteWrite(final List<RemoteWriteEndpoint> value)
    {
        for (final RemoteWriteEndpoint endpoint : value)
        {
            endpoint.validate();
        }
        remoteWrite = List.copyOf(value);
    }

    /** {@code alerting:} Alertmanager(s) that incidents are posted to. */
    public AlertingConfig getAlerting()
    {
        return alerting;
    }

    /** {@code incidents:} the incident timeline's retention. */
    public IncidentsConfig getIncidents()
    {
        return incidents;
    }

    /** {@code remediation:} actions run on incidents, with their guardrails. */
    public RemediationConfig getRemediation()
    {
        return remediation;
    }

    public WebListenerConfig getWeb()
    {
        return web;
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

        /** Only the path: {@link ConfigLoader} reads the file once every source has been applied. */
        public void setFile(final String value)
        {
            file = Path.of(Checks.nonEmpty(value));
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
            if (file != null && settings == null)
            {
                throw new IllegalStateException("anomaly.file " + file + " was not read: load the config with ConfigLoader");
            }
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
}
