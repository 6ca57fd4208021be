package io.hotpath.daemon;

import io.hotpath.daemon.config.DaemonConfig;
import io.hotpath.daemon.expose.web.WebSecurity;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/** What the daemon checks about its listen address: free before anything is created, loudly reported when exposed. */
final class ListenChecks
{
    /** Logs under the daemon's name. */
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());

    private ListenChecks()
    {
    }

    /**
     * Fails before anything is created (state or spool directory) when the listen address is taken or
     * not local; the real bind comes after the checkpoint is restored, so that no scrape sees zeros.
     */
    static void probe(final DaemonConfig config) throws IOException
    {
        final InetSocketAddress listen = config.listenAddress();
        if (listen.getPort() == 0)
        {
            return;
        }
        try (ServerSocket probe = new ServerSocket())
        {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(listen.getHostString(), listen.getPort()));
        }
        catch (final IOException e)
        {
            throw new IOException(cannotListen(config, e), e);
        }
    }

    static String cannotListen(final DaemonConfig config, final Exception e)
    {
        return "cannot listen on " + config.listen() + ": " + e.getMessage() + (e instanceof BindException
            ? "; is another hotpathd running? Choose another address with --listen HOST:PORT (or listen: in the config file, "
                + "or HOTPATHD_LISTEN)" : "");
    }

    /** Beyond loopback, anyone who reaches the port reads every series: say so loudly unless TLS and authentication are on. */
    static void warnIfExposed(final DaemonConfig config, final WebSecurity webSecurity, final InetSocketAddress bound)
    {
        if (bound.getAddress() == null || bound.getAddress().isLoopbackAddress())
        {
            return;
        }
        final List<String> missing = new ArrayList<>();
        if (!webSecurity.config().tls())
        {
            missing.add("TLS");
        }
        if (!webSecurity.config().authentication())
        {
            missing.add("authentication");
        }
        if (!missing.isEmpty())
        {
            LOG.warning("SECURITY: hotpathd listens on " + config.listen() + ", beyond loopback, without " + String.join(" and ", missing)
                + ": anyone who reaches the port reads every series and the service names. Set web.config-file (HOTPATHD_WEB_CONFIG_FILE) "
                + "to a file with tls_server_config and basic_auth_users, or bind 127.0.0.1 and firewall the port");
        }
    }
}
