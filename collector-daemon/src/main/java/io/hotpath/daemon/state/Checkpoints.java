package io.hotpath.daemon.state;

import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.aggregate.ErrorTypes;
import io.hotpath.daemon.aggregate.Series;
import io.hotpath.daemon.aggregate.SeriesKey;
import io.hotpath.daemon.tail.IngestCounters;
import io.hotpath.daemon.tail.SpoolTailers;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;
import java.util.List;

/**
 * Captures the daemon's durable state into a {@link Checkpoint} and restores it. Both run on the
 * aggregation thread (capture between two documents), which is what makes positions and counters
 * consistent with each other.
 */
public final class Checkpoints
{
    private static final Logger LOG = Logger.getLogger(Checkpoints.class.getName());

    private Checkpoints()
    {
    }

    public static Checkpoint capture(
        final long nowEpochMillis, final Aggregator aggregator, final SpoolTailers spool, final IngestCounters counters)
    {
        return capture(nowEpochMillis, aggregator, spool, counters, List.of());
    }

    public static Checkpoint capture(
        final long nowEpochMillis, final Aggregator aggregator, final SpoolTailers spool, final IngestCounters counters,
        final List<CheckpointPart> parts)
    {
        final Checkpoint checkpoint = new Checkpoint();
        checkpoint.writtenAtEpochMillis = nowEpochMillis;
        checkpoint.bucketBoundsNanos = aggregator.settings().bucketBoundsNanos();
        final ErrorTypes errorTypes = aggregator.errorTypes();
        for (final Series series : aggregator.registry().all())
        {
            final SeriesCheckpoint saved = new SeriesCheckpoint();
            final SeriesKey key = series.key();
            saved.key = key.key();
            saved.service = key.service();
            saved.metric = key.metric();
            saved.kind = key.kind();
            saved.labels.putAll(key.ownLabels());
            saved.okCalls = series.okCalls();
            final long[] errors = series.errorCallsByType();
            for (int i = 0; i < errors.length; i++)
            {
                if (errors[i] != 0)
                {
                    saved.errorCalls.merge(errorTypes.name(i), errors[i], Long::sum);
                }
            }
            saved.payloadBytes = series.payloadBytesTotal();
            saved.bucketCounts = series.bucketCounts();
            saved.sumNanos = series.sumNanosTotal();
            saved.lateSamples = series.lateSamples();
            checkpoint.series.add(saved);
        }
        checkpoint.queues.addAll(spool.states());
        checkpoint.rejected.putAll(counters.rejectedByReason());
        checkpoint.queueGaps = counters.queueGaps();
        checkpoint.spoolDamage.putAll(counters.captureSpool());
        checkpoint.overflow.putAll(aggregator.registry().overflowByMetric());
        for (final CheckpointPart part : parts)
        {
            checkpoint.parts.put(part.name(), part.capture());
        }
        return checkpoint;
    }

    /** Restores counters, series, queue positions and definitions into fresh components. */
    public static void restore(
        final Checkpoint checkpoint, final Aggregator aggregator, final SpoolTailers spool, final IngestCounters counters)
    {
        restore(checkpoint, aggregator, spool, counters, List.of());
    }

    public static void restore(
        final Checkpoint checkpoint, final Aggregator aggregator, final SpoolTailers spool, final IngestCounters counters,
        final List<CheckpointPart> parts)
    {
        final boolean sameBuckets = Arrays.equals(checkpoint.bucketBoundsNanos, aggregator.settings().bucketBoundsNanos());
        if (!sameBuckets)
        {
            LOG.warning("histogram buckets changed since the checkpoint: hotpath_duration_seconds (buckets, _sum, _count) " +
                "restarts from 0; hotpath_calls_total and hotpath_payload_bytes_total continue");
        }
        final ErrorTypes errorTypes = aggregator.errorTypes();
        final Map<String, SeriesKey> keys = new HashMap<>();
        for (final SeriesCheckpoint saved : checkpoint.series)
        {
            final SeriesKey key = new SeriesKey(saved.service, saved.metric, saved.kind, saved.labels);
            final Series series = aggregator.registry().restore(key);
            long[] errors = new long[0];
            for (final Map.Entry<String, Long> entry : saved.errorCalls.entrySet())
            {
                final int index = errorTypes.intern(entry.getKey());
                if (index >= errors.length)
                {
                    errors = Arrays.copyOf(errors, index + 1);
                }
                errors[index] += entry.getValue();
            }
            series.restore(saved.okCalls, errors, saved.payloadBytes, sameBuckets ? saved.bucketCounts : null, sameBuckets ? saved.sumNanos : 0,
                saved.lateSamples);
            keys.put(saved.key, key);
        }
        checkpoint.overflow.forEach(aggregator.registry()::restoreOverflowCount);
        counters.restore(checkpoint.rejected);
        counters.restoreQueueGaps(checkpoint.queueGaps);
        counters.restoreSpool(checkpoint.spoolDamage);
        spool.restore(checkpoint.queues, keys::get);
        for (final CheckpointPart part : parts)
        {
            part.restore(checkpoint.parts.getOrDefault(part.name(), Map.of()));
        }
        LOG.info("restored checkpoint of " + checkpoint.writtenAtEpochMillis + ": " + checkpoint.series.size() + " series, " +
            checkpoint.queues.size() + " queues");
    }
}
