package io.hotpath.agent.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class CycleFileGuardTest
{
    @Test
    void theCompareAndSwapWarmUpRunsAllItsRoundsWhenNothingStopsIt()
    {
        final AtomicInteger asked = new AtomicInteger();
        final int rounds = CycleFileGuard.warmUpCompareAndSwap(() ->
        {
            asked.incrementAndGet();
            return false;
        });
        assertEquals(CycleFileGuard.CAS_WARM_UP_ROUNDS, rounds);
        assertEquals(CycleFileGuard.CAS_WARM_UP_ROUNDS, asked.get(), "asked before every pause");
    }

    @Test
    void aShutdownDuringTheCompareAndSwapWarmUpEndsItBeforeTheNextPause()
    {
        assertEquals(1, CycleFileGuard.warmUpCompareAndSwap(() -> true), "stopping from the start: one round, no pause");

        final AtomicInteger asked = new AtomicInteger();
        assertEquals(2, CycleFileGuard.warmUpCompareAndSwap(() -> asked.incrementAndGet() == 2),
            "stopping after the second round");
    }
}
