package io.hotpath.daemon.expose;

import java.util.concurrent.atomic.AtomicLong;

/** What the HTTP side measures about itself, for {@code hotpath_daemon_scrape_duration_seconds}. */
public final class ScrapeStats
{
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
}
