package io.hotpath.daemon.detect;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An agent's own reading of how long its JVM could not run its threads between two AGENT_STATS records (paused for a
 * collection or at a safepoint, stopped, or starved of CPU; the tailer's {@code AgentStatsSnapshot#pausedNanosSince})
 * as evidence for {@link StallWatch}: spread over the intervals of the records' span by each one's share of it, an
 * interval held back {@link StallWatch#AGENT_PAUSE_SHARE} or more is a measured stall of the service. A span longer
 * than {@link #MAX_SPAN_INTERVALS} (an idle agent's heartbeat, a gap) says nothing per interval. This is what the
 * daemon cannot see itself: a JVM starved while hotpathd closed every second on time and no call arrived late.
 */
final class AgentPauseEvidence
{
    /** Longest span between two AGENT_STATS whose pause is spread over its intervals. */
    static final long MAX_SPAN_INTERVALS = 5;

    private static final Logger LOG = Logger.getLogger(AgentPauseEvidence.class.getName());
    private static final AtomicInteger FAILURES_LOGGED = new AtomicInteger();

    private AgentPauseEvidence()
    {
    }

    /** Hands {@code watch} the pause of each interval of {@code (fromEpochNanos, toEpochNanos]}; never throws. */
    static void note(final StallWatch watch, final long fromEpochNanos, final long toEpochNanos, final long pausedNanos,
        final long stepMillis)
    {
        final long span = toEpochNanos - fromEpochNanos;
        final long stepNanos = stepMillis * 1_000_000L;
        if (pausedNanos <= 0 || span <= 0 || span > MAX_SPAN_INTERVALS * stepNanos)
        {
            return;
        }
        try
        {
            for (long start = Math.floorDiv(fromEpochNanos, stepNanos) * stepNanos; start < toEpochNanos; start += stepNanos)
            {
                final long overlap = Math.min(toEpochNanos, start + stepNanos) - Math.max(fromEpochNanos, start);
                watch.noteAgentPause(start / 1_000_000L, (long)((double)pausedNanos * overlap / span / 1_000_000L));
            }
        }
        catch (final RuntimeException e)
        {
            // called while the tailer reads the agent's queue: a detector bug must not quarantine the queue
            if (FAILURES_LOGGED.getAndIncrement() < 10)
            {
                LOG.log(Level.SEVERE, "stall evidence from an AGENT_STATS failed", e);
            }
        }
    }
}
