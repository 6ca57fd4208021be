package io.hotpath.daemon.expose;

import io.netty.channel.Channel;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Caps the connections the server holds. All of a server's channels share one limiter and run on
 * its single event loop, so there is no lock: every method is called on that thread.
 *
 * <p>At the cap, a new connection first makes room by closing the connection that has waited
 * longest without a request being answered (idle keep-alive connections, clients sending their
 * request slowly): a scraper that connects now is served even while thousands of idle connections
 * are open. Only when every connection is being answered is the new one shed (503, closed).
 */
final class ConnectionLimiter
{
    private final int maxConnections;
    private final ScrapeStats stats;
    /** Connections with no complete request being answered, oldest first. */
    private final LinkedHashSet<Channel> evictable = new LinkedHashSet<>();
    /** Closed by {@link #admit} to make room, close not completed yet: they no longer count. */
    private final Set<Channel> evicting = new HashSet<>();
    private int open;

    ConnectionLimiter(final int maxConnections, final ScrapeStats stats)
    {
        this.maxConnections = maxConnections;
        this.stats = stats;
        stats.connectionLimit(maxConnections);
    }

    /** A new connection: true when it may stay (perhaps after evicting an older one), false to shed it. */
    boolean admit(final Channel channel)
    {
        open++;
        stats.connectionsOpen(open);
        if (open - evicting.size() > maxConnections)
        {
            final Iterator<Channel> oldest = evictable.iterator();
            if (!oldest.hasNext())
            {
                stats.connectionClosed(ScrapeStats.CLOSED_SHED);
                return false;
            }
            final Channel victim = oldest.next();
            oldest.remove();
            evicting.add(victim);
            stats.connectionClosed(ScrapeStats.CLOSED_EVICTED);
            victim.close();
        }
        evictable.add(channel);
        return true;
    }

    /** A complete request arrived: not evictable while it is answered. */
    void busy(final Channel channel)
    {
        evictable.remove(channel);
    }

    /** Its response is written: evictable again, as the newest. */
    void idle(final Channel channel)
    {
        evictable.remove(channel);
        if (channel.isActive() && !evicting.contains(channel))
        {
            evictable.add(channel);
        }
    }

    void closed(final Channel channel)
    {
        evictable.remove(channel);
        evicting.remove(channel);
        open--;
        stats.connectionsOpen(open);
    }
}
