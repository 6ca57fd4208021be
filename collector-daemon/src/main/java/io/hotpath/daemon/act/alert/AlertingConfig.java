package io.hotpath.daemon.act.alert;

import io.hotpath.daemon.config.syntax.Checks;
import io.hotpath.daemon.config.syntax.Urls;
import io.hotpath.wire.config.Durations;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code alerting:} where incidents go as alerts. Alertmanager does the routing (chat, paging,
 * e-mail), grouping, silencing and inhibition; hotpathd only posts to its v2 API.
 */
public final class AlertingConfig
{
    private final List<URI> alertmanagers = new ArrayList<>();
    private long resendIntervalMillis = 30_000;
    private int resolveAfterMissedResends = 4;
    private long timeoutMillis = 5_000;
    private int retries = 3;
    private long retryBackoffMillis = 500;
    private String externalUrl = "";
    private String runbookUrl = "";
    private String dashboardUrl = "";
    private final Map<String, String> labels = new LinkedHashMap<>();

    /** Alertmanager base URLs (e.g. {@code http://127.0.0.1:9093}); each gets every alert. Empty: no alerts are sent. */
    public List<URI> alertmanagers()
    {
        return alertmanagers;
    }

    public void setAlertmanagers(final List<String> value)
    {
        alertmanagers.clear();
        for (final String url : value)
        {
            alertmanagers.add(httpUrl(url));
        }
    }

    public long resendIntervalMillis()
    {
        return resendIntervalMillis;
    }

    /** Open incidents are posted again this often, so an Alertmanager that restarted learns them back. */
    public void setResendInterval(final String value)
    {
        resendIntervalMillis = Checks.positive(Durations.millis(value));
    }

    public int resolveAfterMissedResends()
    {
        return resolveAfterMissedResends;
    }

    /** endsAt = now + resend-interval × this: Alertmanager resolves the alert itself if hotpathd dies. */
    public void setResolveAfterMissedResends(final int value)
    {
        resolveAfterMissedResends = (int)Checks.positive(value);
    }

    public long timeoutMillis()
    {
        return timeoutMillis;
    }

    public void setTimeout(final String value)
    {
        timeoutMillis = Checks.positive(Durations.millis(value));
    }

    public int retries()
    {
        return retries;
    }

    public void setRetries(final int value)
    {
        if (value < 0 || value > 20)
        {
            throw new IllegalArgumentException("expected 0..20, got " + value);
        }
        retries = value;
    }

    public long retryBackoffMillis()
    {
        return retryBackoffMillis;
    }

    /** First retry after this, doubling per attempt. */
    public void setRetryBackoff(final String value)
    {
        retryBackoffMillis = Checks.positive(Durations.millis(value));
    }

    public String externalUrl()
    {
        return externalUrl;
    }

    /** This daemon's URL as people reach it: alerts link to {@code <external-url>/api/incidents?id=N}. */
    public void setExternalUrl(final String value)
    {
        externalUrl = value == null ? "" : value.replaceAll("/+$", "");
    }

    public String runbookUrl()
    {
        return runbookUrl;
    }

    /** Template of the {@code runbook_url} annotation: {@code {label}} is replaced by the alert's label (e.g. {@code {service}}). */
    public void setRunbookUrl(final String value)
    {
        runbookUrl = value == null ? "" : value;
    }

    public String dashboardUrl()
    {
        return dashboardUrl;
    }

    /** Template of the {@code dashboard} annotation, like {@code runbook-url}. */
    public void setDashboardUrl(final String value)
    {
        dashboardUrl = value == null ? "" : value;
    }

    public Map<String, String> labels()
    {
        return labels;
    }

    /** Extra labels on every alert (e.g. {@code team}, {@code env}). */
    public void setLabels(final Map<String, String> value)
    {
        for (final String name : value.keySet())
        {
            if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*"))
            {
                throw new IllegalArgumentException("'" + name + "' is not a valid label name");
            }
        }
        labels.clear();
        labels.putAll(value);
    }

    static URI httpUrl(final String value)
    {
        return Urls.httpUrl(value.replaceAll("/+$", ""), "http://127.0.0.1:9093");
    }
}
