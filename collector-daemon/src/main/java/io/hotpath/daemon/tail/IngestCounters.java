package io.hotpath.daemon.tail;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rejections by reason across all queues ({@code hotpath_daemon_records_rejected_total{reason}}).
 * Written by the aggregation thread, read by renderers: a concurrent map of atomics, touched only
 * on the (rare) rejection path.
 */
public final class IngestCounters
{
    /** Reasons the tailer adds to {@code MalformedRecordException}'s. */
    public static final String UNDECLARED_SERIES = "undeclared_series";
    public static final String UNDECLARED_ERROR_TYPE = "undeclared_error_type";
    public static final String REDEFINED_ID = "redefined_id";
    public static final String MISSING_HEADER = "missing_header";
    /** A queue whose cycle files are not named for the spool layout's roll cycle: refused, not misread. */
    public static final String ROLL_CYCLE = "roll_cycle";
    public static final String UNKNOWN_TYPE = "unknown_type";
    public static final String CORRUPT_QUEUE = "corrupt_queue";

    /** Reason for a document whose processing failed unexpectedly: skipped whole, none of its samples counted. */
    public static final String PROCESSING_ERROR = "processing_error";

    /** Fault reasons (hotpath_daemon_queue_faults_total{reason}): a queue quarantined, or a file found cut off. */
    public static final String FAULT_TRUNCATED = "truncated";

    private final Map<String, AtomicLong> rejectedByReason = new ConcurrentHashMap<>();
    private final AtomicLong queueGaps = new AtomicLong();
    private final Map<String, AtomicLong> faultsByReason = new ConcurrentHashMap<>();
    private final AtomicLong skippedBytes = new AtomicLong();
    private final AtomicLong skippedDocuments = new AtomicLong();
    private final AtomicLong lostSamples = new AtomicLong();

    /** Damaged bytes stepped over in a cycle file, the document headers and batch samples found in them. */
    public void skipped(final long bytes, final long documents, final long samples)
    {
        skippedBytes.addAndGet(bytes);
        skippedDocuments.addAndGet(documents);
        lostSamples.addAndGet(samples);
    }

    /** Samples known to be lost (in damaged bytes, in the rest of a malformed document). */
    public void lostSamples(final long samples)
    {
        lostSamples.addAndGet(samples);
    }

    /** A queue was quarantined for {@code reason}, or a fault of that kind was met and stepped over. */
    public void fault(final String reason)
    {
        faultsByReason.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    public Map<String, Long> faultsByReason()
    {
        final Map<String, Long> copy = new TreeMap<>();
        faultsByReason.forEach((reason, count) -> copy.put(reason, count.get()));
        return copy;
    }

    /** The spool damage counters, for the checkpoint (so that they never go back across a restart). */
    public Map<String, Long> captureSpool()
    {
        final Map<String, Long> saved = new TreeMap<>();
        saved.put("skipped_bytes", skippedBytes.get());
        saved.put("skipped_documents", skippedDocuments.get());
        saved.put("lost_samples", lostSamples.get());
        faultsByReason.forEach((reason, count) -> saved.put("fault:" + reason, count.get()));
        return saved;
    }

    public void restoreSpool(final Map<String, Long> saved)
    {
        if (saved == null)
        {
            return;
        }
        skippedBytes.set(saved.getOrDefault("skipped_bytes", 0L));
        skippedDocuments.set(saved.getOrDefault("skipped_documents", 0L));
        lostSamples.set(saved.getOrDefault("lost_samples", 0L));
        saved.forEach((key, count) ->
        {
            if (key.startsWith("fault:"))
            {
                faultsByReason.computeIfAbsent(key.substring("fault:".length()), r -> new AtomicLong()).set(count);
            }
        });
    }

    public long skippedBytes()
    {
        return skippedBytes.get();
    }

    public long skippedDocuments()
    {
        return skippedDocuments.get();
    }

    public long lostSamples()
    {
        return lostSamples.get();
    }

    public void reject(final String reason)
    {
        rejectedByReason.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    public void restore(final Map<String, Long> counts)
    {
        counts.forEach((reason, count) -> rejectedByReason.computeIfAbsent(reason, r -> new AtomicLong()).set(count));
    }

    public Map<String, Long> rejectedByReason()
    {
        final Map<String, Long> copy = new TreeMap<>();
        rejectedByReason.forEach((reason, count) -> copy.put(reason, count.get()));
        return copy;
    }

    /** An unread part of a queue vanished (cycle files the agent deleted under its size cap). */
    public void queueGap()
    {
        queueGaps.incrementAndGet();
    }

    public long queueGaps()
    {
        return queueGaps.get();
    }

    public void restoreQueueGaps(final long count)
    {
        queueGaps.set(count);
    }

    public long rejected(final String reason)
    {
        final AtomicLong count = rejectedByReason.get(reason);
        return count == null ? 0 : count.get();
    }
}
