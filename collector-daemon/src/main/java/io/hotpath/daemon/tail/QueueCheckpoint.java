package io.hotpath.daemon.tail;

import java.util.Map;
import java.util.TreeMap;

/**
 * Checkpointed state of one queue: where its tailer stands and what the queue has defined so far,
 * so that after a restart the tailer resumes mid-queue, past the definitions, and maps ids the
 * same way. Plain Jackson bean; the JSON field names are the on-disk format (see
 * {@code io.hotpath.daemon.state.Checkpoint}, which persists it: {@code state} depends on {@code tail}, not back).
 */
public final class QueueCheckpoint
{
    /** Queue directory name inside the spool. */
    public String queue;
    /** Chronicle index of the last document fully counted; -1 before the first. */
    public long lastIndex = -1;
    /**
     * -1, or the cycle the tailer resumes at, from its first document: the cycle file holding
     * {@link #lastIndex} was deleted unread (the agent's size cap), so there is nothing to skip.
     * Cleared by the next document counted.
     */
    public int resumeAtCycle = -1;
    /**
     * Byte offset, in the cycle file of {@link #lastIndex} (or of {@link #resumeAtCycle} when set),
     * where the next document header is read; -1 in checkpoints written before it existed.
     */
    public long readOffset = -1;
    /** Samples of this queue counted, and known lost (damaged bytes, malformed records, undeclared ids). */
    public long samplesCounted;
    public long samplesLost;
    /** Damaged bytes stepped over in this queue's files, and the document headers found in them. */
    public long bytesSkipped;
    public long documentsSkipped;
    /**
     * At this queue's last AGENT_STATS record: samples the agent had written to the queue before it,
     * and samples counted / lost up to it; -1 before the first. Written minus both is unexplained.
     */
    public long statsSamplesWritten = -1;
    public long statsSamplesCounted;
    public long statsSamplesLost;
    public long documentsRead;
    public long recordsRead;
    public boolean headerSeen;
    /** The queue was refused (no header, other format): never read again. */
    public String rejectedReason;
    public boolean finished;
    public String service;
    public String host;
    public long pid;
    public long jvmStartEpochMillis;
    /** Series id of this queue → series key (a key of {@code Checkpoint.series}). */
    public Map<Integer, String> seriesIds = new TreeMap<>();
    /** Error type id of this queue → error type name. */
    public Map<Integer, String> errorTypeIds = new TreeMap<>();
}
