package io.hotpath.daemon.config;

import io.hotpath.daemon.config.syntax.Checks;

import io.hotpath.daemon.config.syntax.Urls;
import io.hotpath.wire.config.Durations;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code push:} optional Pushgateway. */
public final class PushConfig
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
        intervalMillis = Checks.positive(Durations.millis(value));
    }

    public String job()
    {
        return job;
    }

    public void setJob(final String value)
    {
        job = Checks.nonEmpty(value);
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
