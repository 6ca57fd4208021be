package io.hotpath.daemon.expose;

import java.util.concurrent.atomic.AtomicLong;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the HTTP side measures about itself: {@code hotpath_daemon_scrape_duration_seconds} and the
 * connection families ({@code hotpath_daemon_http_connections}, {@code _limit},
 * {@code hotpath_daemon_http_connections_closed_total} by reason). Written on the event loop, read anywhere.
 */
public final class ScrapeStats
{
    /** Closed at once: the cap was reached and every connection held was being answered. */
    public static final String CLOSED_SHED = "shed";
    /** Closed to make room for a new connection at the cap: the one longest without a request answered. */
    public static final String CLOSED_EVICTED = "evicted_idle";
    /** No request within the idle timeout. */
    public static final String CLOSED_IDLE_TIMEOUT = "idle_timeout";
    /** A request's head and body did not arrive within the request timeout. */
    public static final String CLOSED_REQUEST_TIMEOUT = "request_timeout";
    static final List<String> CLOSED_REASONS = List.of(CLOSED_SHED, CLOSED_EVICTED, CLOSED_IDLE_TIMEOUT,
        CLOSED_REQUEST_TIMEOUT);

    private final Map<String, AtomicLong> closed = new ConcurrentHashMap<>();
    private volatile int connectionsOpen;
    private volatile int connectionLimit;

    private final AtomicLong lastScrapeNanos = new AtomicLong();
    private final AtomicLong scrapes = new AtomicLong();

    public void recordScrape(final long nanos)
    {
        lastScrapeNanos.set(nanos);
        scrapes.incrementAndGet();
    }

    public long lastScrapeNanos()
    {
        return lastScrapeNanos.get();
    }

    public long scrapes()
    {
        return scrapes.get();
    }

    void connectionsOpen(final int open)
    {
        connectionsOpen = open;
    }

    void connectionLimit(final int limit)
    {
        connectionLimit = limit;
    }

    void connectionClosed(final String reason)
    {
        closed.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    public int connectionsOpen()
    {
        return connectionsOpen;
    }

    /** The cap on open connections in force (after the file-descriptor reserve); 0 before the server starts. */
    public int connectionLimit()
    {
        return connectionLimit;
    }

    /** Connections the server closed for {@code reason} (one of the {@code CLOSED_*} constants). */
    public long connectionsClosed(final String reason)
    {
        final AtomicLong count = closed.get(reason);
        return count == null ? 0 : count.get();
    }
}
