package io.hotpath.agent.spool;

import io.hotpath.agent.AgentLog;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * How long the agent's JVM could not run its threads, read on the drain thread for AGENT_STATS (totals since the
 * agent started, nanoseconds; -1 for a reading this JVM does not give). hotpathd turns their growth into seconds in
 * which the service's JVM was paused or starved: a stall of the JVM, not an anomaly of its calls.
 * <ul>
 *   <li><b>Drain wake-up lateness</b> ({@link #woke}): the drain thread parks for a time it chose; how much later it
 *       woke is a direct reading of what held every thread of the JVM back at that moment: no CPU free (the host's
 *       run queue), a stopped process (SIGSTOP, a debugger), a safepoint or GC pause it waited out. Sampled at the
 *       drain's wake-ups (a few to tens a second, every 200 ms at least while it runs), so a stall shorter than the
 *       gap between two is seen only when a wake-up falls in it; never more than the stall.</li>
 *   <li><b>GC pauses</b>: the collection time of the stop-the-world collectors ({@link GarbageCollectorMXBean}s;
 *       the concurrent ones' "Cycles" / "Concurrent" beans are not pauses and left out).</li>
 *   <li><b>Safepoints</b>: HotSpot's total time at safepoints (GC pauses included), through
 *       {@code sun.management}, which the agent exports to itself ({@code JdkAccess}); -1 when not there (another
 *       JVM, {@code -XX:-UsePerfData}).</li>
 *   <li><b>Run-queue wait</b> ({@link RunQueueWait}): per stats interval, how long the JVM's most starved thread
 *       waited for a CPU; -1 off Linux.</li>
 * </ul>
 * The counters are read once per stats interval ({@link #sample}), just before the AGENT_STATS that carries them.
 * Nothing here runs on an application thread. Cost: two {@code nanoTime} reads per drain wake-up, and per stats
 * interval one read per collector bean, one of the safepoint counter and one small file per thread (a fraction of a
 * millisecond a second). Drain thread only.
 */
final class JvmPauses
{
    /** A change of the readings this large makes an idle agent write its stats (not only every tenth interval). */
    private static final long FINGERPRINT_NANOS = 50_000_000L;

    private long drainLateNanos;
    private GarbageCollectorMXBean[] pauseCollectors = new GarbageCollectorMXBean[0];
    /** {@code long getTotalSafepointTime()} bound to HotSpot's runtime bean (milliseconds), or null. */
    private MethodHandle safepointMillis;
    private final RunQueueWait runQueue = new RunQueueWait();
    private long gcPauseNanos = -1;
    private long safepointNanos = -1;
    private long runQueueWaitNanos = -1;
    private long recordedAtSample;

    /** Looks up the JVM's counters (loads java.management: on the drain thread when the queue opens, not at start). */
    void open()
    {
        try
        {
            final List<GarbageCollectorMXBean> pauses = new ArrayList<>();
            for (final GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans())
            {
                final String name = bean.getName();
                if (!name.contains("Cycles") && !name.contains("Concurrent"))
                {
                    pauses.add(bean);
                }
            }
            pauseCollectors = pauses.toArray(new GarbageCollectorMXBean[0]);
        }
        catch (final RuntimeException | LinkageError e)
        {
            AgentLog.debug("no GC pause times: " + e);
        }
        safepointMillis = safepointCounter();
    }

    private static MethodHandle safepointCounter()
    {
        try
        {
            final Class<?> helper = Class.forName("sun.management.ManagementFactoryHelper");
            final Class<?> runtime = Class.forName("sun.management.HotspotRuntimeMBean");
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            final Object bean = lookup.findStatic(helper, "getHotspotRuntimeMBean", MethodType.methodType(runtime)).invoke();
            final MethodHandle total = lookup.findVirtual(runtime, "getTotalSafepointTime", MethodType.methodType(long.class))
                .bindTo(bean);
            final long first = (long)total.invokeExact();
            return first < 0 ? null : total;
        }
        catch (final Throwable t)
        {
            // another JVM, a runtime without java.management, or sun.management not exported to the agent
            AgentLog.debug("no safepoint time: " + t);
            return null;
        }
    }

    /** The drain thread parked at {@code parkedAtNanos} for {@code parkNanos} and woke at {@code wokeNanos}. */
    void woke(final long parkedAtNanos, final long parkNanos, final long wokeNanos)
    {
        final long late = wokeNanos - parkedAtNanos - parkNanos;
        if (late > 0)
        {
            drainLateNanos += late; // early (an unpark, a spurious wake-up) says nothing
        }
    }

    long drainLateNanos()
    {
        return drainLateNanos;
    }

    /**
     * Reads the counters for the next AGENT_STATS (once per stats interval); the threads' run-queue waits only when
     * the JVM recorded calls since the last sample ({@code recorded}: the agent's count of samples).
     */
    void sample(final long recorded)
    {
        gcPauseNanos = readGcPauseNanos();
        safepointNanos = readSafepointNanos();
        runQueueWaitNanos = recorded != recordedAtSample ? runQueue.read() : runQueue.skip();
        recordedAtSample = recorded;
    }

    /** GC pause time in total as of {@link #sample}, or -1 without a stop-the-world collector bean. */
    long gcPauseNanos()
    {
        return gcPauseNanos;
    }

    /** Time at safepoints in total as of {@link #sample}, or -1 when the JVM does not tell. */
    long safepointNanos()
    {
        return safepointNanos;
    }

    /** The most starved thread's wait for a CPU, per stats interval, in total as of {@link #sample}; or -1. */
    long runQueueWaitNanos()
    {
        return runQueueWaitNanos;
    }

    private long readGcPauseNanos()
    {
        if (pauseCollectors.length == 0)
        {
            return -1;
        }
        long millis = 0;
        for (final GarbageCollectorMXBean bean : pauseCollectors)
        {
            millis += Math.max(0, bean.getCollectionTime());
        }
        return millis * 1_000_000L;
    }

    private long readSafepointNanos()
    {
        final MethodHandle total = safepointMillis;
        if (total == null)
        {
            return -1;
        }
        try
        {
            final long millis = (long)total.invokeExact();
            return millis < 0 ? -1 : millis * 1_000_000L;
        }
        catch (final Throwable t)
        {
            safepointMillis = null;
            AgentLog.debug("safepoint time no longer readable: " + t);
            return -1;
        }
    }

    /** Changes when the JVM was held back another {@link #FINGERPRINT_NANOS} (for the idle agent's stats). */
    long fingerprint()
    {
        return (drainLateNanos + Math.max(0, gcPauseNanos) + Math.max(0, safepointNanos) + Math.max(0, runQueueWaitNanos)) /
            FINGERPRINT_NANOS;
    }
}
