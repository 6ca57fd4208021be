package io.hotpath.daemon.state;

import io.hotpath.daemon.tail.QueueCheckpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything that must survive a restart, in one file written atomically ({@link CheckpointStore}):
 * each queue's read position <em>together with</em> the cumulative counters those positions
 * produced. Both are taken on the aggregation thread between two documents, so the counters hold
 * exactly the documents up to each queue's {@code lastIndex}: after any crash the daemon restores
 * the counters and re-reads what follows, and every sample is counted once.
 *
 * <p>Components downstream of the aggregator that count samples (SLO counters) join as
 * {@link CheckpointPart}s: captured at the same moment, in the same file.
 *
 * <p>Windows and intervals are not checkpointed: they are rebuilt from what is read after the restart.
 */
public final class Checkpoint
{
    public static final int FORMAT_VERSION = 1;

    public int formatVersion = FORMAT_VERSION;
    public long writtenAtEpochMillis;
    public long[] bucketBoundsNanos;
    public List<SeriesCheckpoint> series = new ArrayList<>();
    public List<QueueCheckpoint> queues = new ArrayList<>();
    /** hotpath_daemon_records_rejected_total by reason. */
    public Map<String, Long> rejected = new TreeMap<>();
    /** hotpath_daemon_series_overflow_total by metric. */
    public Map<String, Long> overflow = new TreeMap<>();
    /** {@link CheckpointPart}s by name (e.g. {@code slo}: SLO counters by SLO name), each block base64 in the JSON. */
    public Map<String, Map<String, byte[]>> parts = new TreeMap<>();
    /** Cycle gaps: unread cycle files the agent deleted ({@code hotpath_daemon_queue_gaps_total}). */
    public long queueGaps;
    /** Spool damage counters ({@code IngestCounters#captureSpool}): skipped bytes/documents, lost samples, faults by reason. */
    public Map<String, Long> spoolDamage = new TreeMap<>();
}
