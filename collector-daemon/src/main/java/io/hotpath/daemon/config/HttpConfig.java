package io.hotpath.daemon.config;

import io.hotpath.daemon.config.syntax.Checks;

import io.hotpath.daemon.expose.HttpLimits;
import io.hotpath.wire.config.Durations;

/** {@code http:} limits of the listener (see {@link HttpLimits}). */
public final class HttpConfig
{
    private int maxConnections = HttpLimits.DEFAULT_MAX_CONNECTIONS;
    private long idleTimeoutMillis = HttpLimits.DEFAULT_IDLE_TIMEOUT_MILLIS;
    private long requestTimeoutMillis = HttpLimits.DEFAULT_REQUEST_TIMEOUT_MILLIS;

    public void setMaxConnections(final int value)
    {
        maxConnections = (int)Checks.positive(value);
    }

    public void setIdleTimeout(final String value)
    {
        idleTimeoutMillis = Checks.positive(Durations.millis(value));
    }

    public void setRequestTimeout(final String value)
    {
        requestTimeoutMillis = Checks.positive(Durations.millis(value));
    }

    public HttpLimits limits()
    {
        return new HttpLimits(maxConnections, idleTimeoutMillis, requestTimeoutMillis);
    }
}
