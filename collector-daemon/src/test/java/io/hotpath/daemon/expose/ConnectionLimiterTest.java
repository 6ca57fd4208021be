package io.hotpath.daemon.expose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** The cap: the connection longest without a request answered makes room; all busy: the new one is shed. */
class ConnectionLimiterTest
{
    private final ScrapeStats stats = new ScrapeStats();
    private final ConnectionLimiter limiter = new ConnectionLimiter(2, stats);

    @Test
    void atTheCapTheOldestIdleConnectionIsEvicted()
    {
        final Channel first = new EmbeddedChannel();
        final Channel second = new EmbeddedChannel();
        final Channel third = new EmbeddedChannel();
        assertTrue(limiter.admit(first));
        assertTrue(limiter.admit(second));
        assertEquals(2, stats.connectionLimit());
        assertTrue(limiter.admit(third), "room made");
        assertFalse(first.isOpen(), "the oldest idle one closed");
        assertTrue(second.isOpen());
        assertEquals(1, stats.connectionsClosed(ScrapeStats.CLOSED_EVICTED));
        limiter.closed(first);
        assertEquals(2, stats.connectionsOpen());
    }

    @Test
    void aConnectionBeingAnsweredIsNotEvictedAndAnsweredOnesBecomeTheNewest()
    {
        final Channel first = new EmbeddedChannel();
        final Channel second = new EmbeddedChannel();
        limiter.admit(first);
        limiter.admit(second);
        limiter.busy(first);
        final Channel third = new EmbeddedChannel();
        assertTrue(limiter.admit(third));
        assertTrue(first.isOpen(), "being answered");
        assertFalse(second.isOpen(), "idle: evicted");
        limiter.closed(second);
        limiter.idle(first);
        final Channel fourth = new EmbeddedChannel();
        assertTrue(limiter.admit(fourth));
        assertFalse(third.isOpen(), "third waited longer than first, answered since");
        assertTrue(first.isOpen());
    }

    @Test
    void whenEveryConnectionIsBusyTheNewOneIsShed()
    {
        final Channel first = new EmbeddedChannel();
        final Channel second = new EmbeddedChannel();
        limiter.admit(first);
        limiter.admit(second);
        limiter.busy(first);
        limiter.busy(second);
        final Channel third = new EmbeddedChannel();
        assertFalse(limiter.admit(third));
        assertEquals(1, stats.connectionsClosed(ScrapeStats.CLOSED_SHED));
        assertTrue(first.isOpen() && second.isOpen());
        limiter.closed(third);
        assertEquals(2, stats.connectionsOpen());
    }

    @Test
    void theCapLeavesFileDescriptorsForCheckpointsAndQueues()
    {
        final HttpLimits limits = new HttpLimits(100_000, 1, 1);
        assertEquals(15_000, limits.effectiveMaxConnections(20_000), "a quarter reserved");
        assertEquals(768, limits.effectiveMaxConnections(1_024), "at least 256 reserved");
        assertEquals(1, limits.effectiveMaxConnections(100));
        assertEquals(1024, HttpLimits.defaults().effectiveMaxConnections(1_048_576));
    }
}
