package io.hotpath.daemon.expose;

/** Metric family types, with their names in the two text formats. */
public enum MetricType
{
    COUNTER("counter", "counter", "_total"),
    GAUGE("gauge", "gauge", ""),
    HISTOGRAM("histogram", "histogram", ""),
    SUMMARY("summary", "summary", ""),
    /** OpenMetrics info: a {@code _info} gauge of 1 in Prometheus text. */
    INFO("gauge", "info", "_info"),
    UNKNOWN("untyped", "unknown", "");

    private final String prometheusName;
    private final String openMetricsName;
    private final String prometheusFamilySuffix;

    MetricType(final String prometheusName, final String openMetricsName, final String prometheusFamilySuffix)
    {
        this.prometheusName = prometheusName;
        this.openMetricsName = openMetricsName;
        this.prometheusFamilySuffix = prometheusFamilySuffix;
    }

    public String prometheusName()
    {
        return prometheusName;
    }

    public String openMetricsName()
    {
        return openMetricsName;
    }

    /** Prometheus text names counter and info families after their sample ({@code x_total}); OpenMetrics does not. */
    public String prometheusFamilySuffix()
    {
        return prometheusFamilySuffix;
    }
}
