package io.hotpath.agent.bootstrap;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallDepthTest
{
    @Test
    void onlyTheOutermostCallOfARuleCountsPerThread() throws Exception
    {
        assertTrue(CallDepth.enter(3));
        assertFalse(CallDepth.enter(3), "nested call of the same rule");
        assertTrue(CallDepth.enter(4), "another rule is independent");
        final AtomicBoolean otherThread = new AtomicBoolean();
        final Thread thread = new Thread(() -> otherThread.set(CallDepth.enter(3)));
        thread.start();
        thread.join();
        assertTrue(otherThread.get(), "another thread is independent");
        CallDepth.exit(4);
        CallDepth.exit(3);
        assertFalse(CallDepth.enter(3), "still inside the outer call");
        CallDepth.exit(3);
        CallDepth.exit(3);
        assertTrue(CallDepth.enter(3), "outer call over: the next one is outermost again");
        CallDepth.exit(3);
        CallDepth.exit(3);
        assertTrue(CallDepth.enter(3), "an unbalanced exit cannot make the depth negative");
        CallDepth.exit(3);
        assertTrue(CallDepth.enter(1000), "rule indexes beyond the initial table grow it");
        CallDepth.exit(1000);
    }

    @Test
    void enterAndExitAllocateNothingPerCall()
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        CallDepth.enter(7);
        CallDepth.exit(7);
        final long before = threads.getCurrentThreadAllocatedBytes();
        int outermost = 0;
        for (int i = 0; i < 1_000_000; i++)
        {
            if (CallDepth.enter(7))
            {
                outermost++;
            }
            CallDepth.enter(7);
            CallDepth.exit(7);
            CallDepth.exit(7);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(outermost == 1_000_000, "every outer call is outermost");
        assertTrue(allocated < 10_000, allocated + " bytes allocated by 2 000 000 enter/exit pairs");
    }
}
