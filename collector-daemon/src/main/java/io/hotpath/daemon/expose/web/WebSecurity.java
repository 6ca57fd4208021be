package io.hotpath.daemon.expose.web;

import io.netty.channel.socket.SocketChannel;

/**
 * What {@link WebConfig} adds to every connection's pipeline: TLS in front of the HTTP codec,
 * basic authentication in front of the routes. {@link #NONE}: plain, open HTTP (the default, on
 * loopback).
 */
public final class WebSecurity
{
    public static final WebSecurity NONE = new WebSecurity(WebConfig.NONE);

    private final WebConfig config;
    private final BasicAuthHandler auth;

    public WebSecurity(final WebConfig config)
    {
        this.config = config;
        this.auth = config.authentication() ? new BasicAuthHandler(config.users()) : null;
    }

    public WebConfig config()
    {
        return config;
    }

    /** Requests refused for missing or wrong credentials (0 without authentication). */
    public long authFailures()
    {
        return auth == null ? 0 : auth.failures();
    }

    /** Called by the server's initializer after the HTTP handlers are in place. */
    public void secure(final SocketChannel channel)
    {
        if (config.tls())
        {
            channel.pipeline().addFirst("tls", config.sslContext().newHandler(channel.alloc()));
        }
        if (auth != null)
        {
            channel.pipeline().addBefore("routes", "auth", auth);
        }
    }
}
