package io.hotpath.agent.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.junit.jupiter.api.Test;

class StripedRingTest
{
    private static final int MSG_TYPE = 1;

    @Test
    void stripesAreAPowerOfTwoSharingTheConfiguredBytes()
    {
        final StripedRing rings = new StripedRing(4 << 20, 3);
        assertEquals(8, rings.stripes(), "4 shared, 4 owned");
        assertEquals(4, rings.ownedStripes());
        assertEquals(4 << 20, rings.capacity());
        assertEquals(2, new StripedRing(1 << 20, 1).stripes());
        final StripedRing many = new StripedRing(64 << 20, 1000);
        assertEquals(2 * StripedRing.MAX_STRIPES, many.stripes());
        assertEquals(ThreadSlots.SLOTS, many.ownedStripes());
        assertEquals(64 << 20, many.capacity());
        // small rings: no stripe below 1 KiB, fewer owned ones first
        assertEquals(4096, new StripedRing(4096, 2).capacity());
        assertEquals(2, new StripedRing(4096, 2).ownedStripes());
        assertEquals(1024, new StripedRing(1024, 4).capacity());
        assertEquals(0, new StripedRing(1024, 4).ownedStripes());
        assertEquals(1 << 20, new StripedRing(1 << 20, 1, 0).capacity());
    }

    @Test
    void everyMessageOfManyThreadsIsReadExactlyOnceWithinTheLimit() throws InterruptedException
    {
        final StripedRing rings = new StripedRing(1 << 20, 4);
        final int threads = 6;
        final int perThread = 20_000;
        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int writer = t;
            final Thread thread = new Thread(() ->
            {
                try
                {
                    start.await();
                }
                catch (final InterruptedException e)
                {
                    return;
                }
                final int stripe = rings.stripeOfCurrentThread();
                final ManyToOneRingBuffer ring = rings.ring(stripe);
                for (int i = 0; i < perThread; i++)
                {
                    int index;
                    while ((index = ring.tryClaim(MSG_TYPE, 8)) < 0)
                    {
                        Thread.onSpinWait(); // full: this test wants every message, the recorder drops instead
                    }
                    rings.buffer(stripe).putLong(index, (long)writer * perThread + i);
                    ring.commit(index);
                }
            });
            writers.add(thread);
            thread.start();
        }
        final Set<Long> seen = new HashSet<>();
        final int[] lastBatch = new int[1];
        start.countDown();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (seen.size() < threads * perThread && System.nanoTime() < deadline)
        {
            lastBatch[0] = 0;
            final int read = rings.read((type, buffer, index, length) ->
            {
                assertEquals(MSG_TYPE, type);
                assertTrue(seen.add(buffer.getLong(index)), "read twice: " + buffer.getLong(index));
                lastBatch[0]++;
            }, 100);
            assertEquals(lastBatch[0], read);
            assertTrue(read <= 100, "limit exceeded: " + read);
        }
        for (final Thread writer : writers)
        {
            writer.join();
        }
        assertEquals(threads * perThread, seen.size());
        assertEquals(0, rings.size());
        assertEquals((long)threads * perThread * 16, rings.producerPosition()); // 8 B header + 8 B payload each
    }

    @Test
    void aThreadAlwaysWritesToTheSameStripe() throws InterruptedException
    {
        final StripedRing rings = new StripedRing(1 << 16, 8);
        final Set<Integer> stripes = new HashSet<>();
        final Thread thread = new Thread(() ->
        {
            for (int i = 0; i < 100; i++)
            {
                stripes.add(rings.stripeOfCurrentThread());
            }
        });
        thread.start();
        thread.join();
        assertEquals(1, stripes.size());
    }
}
