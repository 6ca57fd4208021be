package io.hotpath.daemon.tail;

import io.hotpath.wire.AgentStatsDecoder;

/**
 * A queue's accounting against its agent's AGENT_STATS records: at each record, the samples the
 * agent says it wrote before it beside the samples counted and lost up to the same point (kept in
 * the {@link QueueCheckpoint}). When the queue met damage since the agent's previous record, what
 * the agent wrote that was neither counted nor counted as lost was in the damaged bytes.
 */
final class AgentStatsAccount
{
    /** Read from the queue's first document: before the first AGENT_STATS the agent had written nothing. */
    private final boolean readFromStart;
    private long damageMarkAtStats;
    private QueueTailer.AgentStatsSnapshot latest;

    AgentStatsAccount(final QueueCheckpoint state)
    {
        this.readFromStart = state.lastIndex < 0 && state.resumeAtCycle < 0 && state.documentsRead == 0;
        this.damageMarkAtStats = state.bytesSkipped;
    }

    QueueTailer.AgentStatsSnapshot latest()
    {
        return latest;
    }

    /**
     * Takes one AGENT_STATS record.
     *
     * @param counted    samples of the queue counted up to this record (staged ones of its document included).
     * @param damageMark damage met so far in the queue (changes whenever bytes are skipped or a document fails).
     * @return samples to count as lost: written by the agent since its previous record and in damaged bytes; 0 if none.
     */
    long onStats(final AgentStatsDecoder stats, final QueueCheckpoint state, final long counted, final long damageMark)
    {
        latest = new QueueTailer.AgentStatsSnapshot(
            stats.timestampEpochNanos(), stats.samplesRecorded(), stats.samplesDropped(), stats.samplesDrained(),
            stats.ringOccupancyBytes(), stats.ringCapacityBytes(), stats.drainLagNanos(), stats.adviceErrors(),
            stats.labelOverflows());
        // The agent's own count of samples written before this record, beside ours at the same point.
        final long written = stats.samplesDrained();
        final boolean hadPrevious = state.statsSamplesWritten >= 0 || readFromStart;
        final long previousWritten = Math.max(0, state.statsSamplesWritten);
        long lost = 0;
        if (hadPrevious && damageMark != damageMarkAtStats)
        {
            final long missing = (written - previousWritten) - (counted - state.statsSamplesCounted) - (state.samplesLost - state.statsSamplesLost);
            if (missing > 0 && missing <= written)
            {
                lost = missing;
            }
        }
        damageMarkAtStats = damageMark;
        state.statsSamplesWritten = written;
        state.statsSamplesCounted = counted;
        // the caller adds `lost` to samplesLost right after: this record's point includes it
        state.statsSamplesLost = state.samplesLost + lost;
        return lost;
    }
}
