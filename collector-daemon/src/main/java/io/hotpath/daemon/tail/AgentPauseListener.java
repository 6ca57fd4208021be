package io.hotpath.daemon.tail;

/**
 * Hears, at each AGENT_STATS record of a queue after its first, how long the agent's JVM could not run its threads
 * since the record before (paused for a collection or at a safepoint, stopped, or starved of CPU; see
 * {@link QueueTailer.AgentStatsSnapshot#pausedNanosSince}). Evidence that a service's slow seconds were its JVM's
 * stall, for the anomaly detection. Called on the aggregation thread, while the record's document is read: quick.
 */
@FunctionalInterface
public interface AgentPauseListener
{
    /**
     * @param service        the queue's service
     * @param fromEpochNanos the previous record's time
     * @param toEpochNanos   this record's time
     * @param pausedNanos    how long the JVM was held back in between (at least 0)
     */
    void onAgentPause(String service, long fromEpochNanos, long toEpochNanos, long pausedNanos);
}
