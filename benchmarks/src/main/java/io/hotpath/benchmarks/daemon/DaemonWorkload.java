package io.hotpath.benchmarks.daemon;

import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.tail.IngestCounters;
import io.hotpath.daemon.tail.QueueCheckpoint;
import io.hotpath.daemon.tail.QueueTailer;
import io.hotpath.wire.MetricKind;
import io.hotpath.wire.SampleBatchEncoder;
import io.hotpath.wire.SampleDescriptor;
import io.hotpath.wire.SampleEncoder;
import io.hotpath.wire.SeriesDefinitionEncoder;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import io.hotpath.wire.WireFormat;

/**
 * Shared set-up of the daemon benchmarks: an aggregator with {@code seriesCount} series defined
 * through a real {@link QueueTailer} (never opened: documents are fed with {@code ingestDocument}),
 * and SAMPLE_BATCH documents of log-normal durations spread over the series.
 *
 * <p>Series are spread over metrics of at most {@value #SERIES_PER_METRIC} label sets each
 * ({@code transport_send}, {@code transport_send_1}, …): the daemon's default cardinality cap is 1 000
 * label sets per metric, beyond which series fold into one {@code other} series — 10 000 series of
 * one metric would really be 1 001. The constructor checks that every series exists.
 */
final class DaemonWorkload
{
    static final int SERIES_PER_METRIC = 1000;

    final Aggregator aggregator;
    final QueueTailer tailer;
    final UnsafeBuffer[] batches;
    final int[] batchLengths;
    final int samplesPerBatch;

    DaemonWorkload(final int seriesCount, final int batchCount, final int samplesPerBatch, final long nowMillis)
    {
        this.aggregator = new Aggregator(AggregationSettings.defaults(), nowMillis);
        final QueueCheckpoint state = new QueueCheckpoint();
        state.queue = "bench-1-1700000000000";
        state.headerSeen = true;
        state.service = "bench";
        this.tailer = new QueueTailer(Path.of("/nonexistent"), state, aggregator, new IngestCounters());
        final UnsafeBuffer definitions = new UnsafeBuffer(new byte[256]);
        for (int id = 0; id < seriesCount; id++)
        {
            final int metric = id / SERIES_PER_METRIC;
            final int length = SeriesDefinitionEncoder.encode(definitions, 0, id, MetricKind.TRANSPORT,
                metric == 0 ? "transport_send" : "transport_send_" + metric, "ns", "peer", "p" + id);
            tailer.ingestDocument(definitions, length);
        }
        this.samplesPerBatch = samplesPerBatch;
        this.batches = new UnsafeBuffer[batchCount];
        this.batchLengths = new int[batchCount];
        final SplittableRandom random = new SplittableRandom(42);
        final SampleBatchEncoder encoder = new SampleBatchEncoder();
        final long endNanos = nowMillis * 1_000_000L;
        for (int b = 0; b < batchCount; b++)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SampleBatchDescriptor.recordLength(samplesPerBatch)]);
            encoder.wrap(buffer, 0, SampleDescriptor.UNTRACED_LENGTH, buffer.capacity());
            for (int i = 0; i < samplesPerBatch; i++)
            {
                final long duration = (long)Math.exp(Math.log(1e6) + random.nextGaussian() * 0.7);
                final boolean error = random.nextInt(50) == 0;
                SampleEncoder.encodeEntry(buffer, encoder.nextEntryOffset(), random.nextInt(seriesCount), endNanos, duration, 256,
                    error ? SampleDescriptor.OUTCOME_ERROR : SampleDescriptor.OUTCOME_OK, 0);
            }
            batchLengths[b] = encoder.finish(endNanos);
            batches[b] = buffer;
        }
        if (aggregator.registry().size() != seriesCount)
        {
            throw new IllegalStateException("expected " + seriesCount + " series in the aggregator, got " + aggregator.registry().size());
        }
    }

    /** Rewrites every sample's end timestamp. */
    void stampBatches(final long endEpochNanos)
    {
        for (int b = 0; b < batches.length; b++)
        {
            for (int i = 0; i < samplesPerBatch; i++)
            {
                batches[b].putLong(io.hotpath.wire.SampleBatchDescriptor.ENTRIES_OFFSET + i * SampleDescriptor.UNTRACED_LENGTH +
                    SampleDescriptor.END_EPOCH_NANOS_OFFSET, endEpochNanos, WireFormat.BYTE_ORDER);
            }
        }
    }

    /** Sizes of untraced batches. */
    static final class SampleBatchDescriptor
    {
        static int recordLength(final int samples)
        {
            return io.hotpath.wire.SampleBatchDescriptor.recordLength(samples, SampleDescriptor.UNTRACED_LENGTH);
        }
    }
}
