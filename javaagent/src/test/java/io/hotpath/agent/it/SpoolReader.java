package io.hotpath.agent.it;

import io.hotpath.wire.AgentStatsDecoder;
import io.hotpath.wire.ErrorTypeDefinitionDecoder;
import io.hotpath.wire.QueueHeaderDecoder;
import io.hotpath.wire.RecordDecoder;
import io.hotpath.wire.RecordHandler;
import io.hotpath.wire.SampleBatchDescriptor;
import io.hotpath.wire.SampleDecoder;
import io.hotpath.wire.SeriesDefinitionDecoder;
import io.hotpath.wire.TraceIds;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads a queue the agent wrote, the way the daemon will: plain (unrelocated) Chronicle Queue, a
 * tailer over raw documents, {@link RecordDecoder#decodeAll}. Checks the spool contract on the way
 * (header first, definitions before use) and keeps everything for assertions.
 */
public final class SpoolReader implements RecordHandler
{
    /**
     * One decoded sample with its series resolved; {@code traceId} (32 hex digits) and {@code spanId}
     * (16) are {@code null} for an untraced sample.
     */
    public record Sample(String metric, String kind, Map<String, String> labels, long endEpochNanos, long durationNanos,
        long payloadBytes, boolean error, String errorType, String traceId, String spanId)
    {
        /** {@code metric{k="v",...}} with sorted labels. */
        public String seriesKey()
        {
            return SpoolReader.seriesKey(metric, labels);
        }
    }

    public record Stats(long recorded, long dropped, long drained, long ringOccupancy, long ringCapacity, long drainLagNanos,
        long adviceErrors, long labelOverflows)
    {
    }

    public final List<Sample> samples = new ArrayList<>();
    public final List<Stats> stats = new ArrayList<>();
    public final List<String> violations = new ArrayList<>();
    public final Map<Integer, String> seriesKeys = new HashMap<>();
    private final Map<Integer, String> metrics = new HashMap<>();
    private final Map<Integer, String> kinds = new HashMap<>();
    private final Map<Integer, Map<String, String>> labels = new HashMap<>();
    private final Map<Integer, String> errorTypes = new HashMap<>();
    public String serviceName;
    public long pid;
    public int documents;
    /** Per AGENT_STATS record: the samples before it in queue order. */
    public final List<Integer> samplesBeforeStats = new ArrayList<>();
    /** AGENT_STATS records in a document without samples. */
    public int statsWithoutSamples;
    private int records;
    private int samplesAtDocumentStart;

    public static String seriesKey(final String metric, final Map<String, String> labels)
    {
        final StringBuilder key = new StringBuilder(metric).append('{');
        new TreeMap<>(labels).forEach((k, v) -> key.append(k).append("=\"").append(v).append("\","));
        if (key.charAt(key.length() - 1) == ',')
        {
            key.setLength(key.length() - 1);
        }
        return key.append('}').toString();
    }

    /** The single queue directory under {@code spool}. */
    public static Path onlyQueue(final Path spool) throws IOException
    {
        try (Stream<Path> dirs = Files.list(spool))
        {
            final List<Path> queues = dirs.filter(Files::isDirectory).toList();
            if (queues.size() != 1)
            {
                throw new IllegalStateException("expected one queue in " + spool + ", found " + queues);
            }
            return queues.get(0);
        }
    }

    public static SpoolReader read(final Path queueDirectory)
    {
        final SpoolReader reader = new SpoolReader();
        final RecordDecoder decoder = new RecordDecoder();
        try (ChronicleQueue queue = SingleChronicleQueueBuilder.binary(queueDirectory).readOnly(true).build())
        {
            final ExcerptTailer tailer = queue.createTailer();
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    final Bytes<?> document = dc.wire().bytes();
                    final byte[] bytes = new byte[(int)document.readRemaining()];
                    document.read(bytes);
                    reader.documents++;
                    reader.samplesAtDocumentStart = reader.samples.size();
                    decoder.decodeAll(new UnsafeBuffer(bytes), 0, bytes.length, queueDirectory.toString(), reader);
                }
            }
        }
        return reader;
    }

    @Override
    public void onQueueHeader(final QueueHeaderDecoder header)
    {
        if (records++ != 0)
        {
            violations.add("queue header is record " + records + ", not the first");
        }
        serviceName = header.serviceName();
        pid = header.pid();
    }

    @Override
    public void onSeriesDefinition(final SeriesDefinitionDecoder definition)
    {
        records++;
        final Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < definition.labelCount(); i++)
        {
            map.put(definition.labelKey(i), definition.labelValue(i));
        }
        if (metrics.containsKey(definition.seriesId()))
        {
            violations.add("series " + definition.seriesId() + " defined twice");
        }
        metrics.put(definition.seriesId(), definition.metricName());
        kinds.put(definition.seriesId(), definition.kind().label());
        labels.put(definition.seriesId(), map);
        seriesKeys.put(definition.seriesId(), seriesKey(definition.metricName(), map));
    }

    @Override
    public void onErrorTypeDefinition(final ErrorTypeDefinitionDecoder definition)
    {
        records++;
        errorTypes.put(definition.errorTypeId(), definition.name());
    }

    @Override
    public void onSample(final SampleDecoder sample)
    {
        records++;
        final int id = sample.seriesId();
        if (!metrics.containsKey(id))
        {
            violations.add("sample of series " + id + " before its definition");
            return;
        }
        String errorType = null;
        if (sample.isError())
        {
            errorType = errorTypes.get(sample.errorTypeId());
            if (errorType == null)
            {
                violations.add("error type " + sample.errorTypeId() + " used before its definition");
            }
        }
        // The drain stamps each batch with when it took the samples: after they ended (a sample may end between
        // the drain's clock reading and its ring read: a margin), on the same clock.
        final long written = sample.writtenEpochNanos();
        if (written == SampleBatchDescriptor.NOT_STAMPED)
        {
            violations.add("sample of series " + id + " in a batch without its write time");
        }
        else if (written < sample.endEpochNanos() - 50_000_000L)
        {
            violations.add("sample of series " + id + " ended at " + sample.endEpochNanos() + ", after its batch was taken at " + written);
        }
        final boolean traced = sample.isTraced();
        samples.add(new Sample(metrics.get(id), kinds.get(id), labels.get(id), sample.endEpochNanos(), sample.durationNanos(),
            sample.payloadBytes(), sample.isError(), errorType,
            traced ? TraceIds.traceIdHex(sample.traceIdHigh(), sample.traceIdLow()) : null,
            traced ? TraceIds.spanIdHex(sample.spanId()) : null));
    }

    @Override
    public void onAgentStats(final AgentStatsDecoder s)
    {
        records++;
        stats.add(new Stats(s.samplesRecorded(), s.samplesDropped(), s.samplesDrained(), s.ringOccupancyBytes(),
            s.ringCapacityBytes(), s.drainLagNanos(), s.adviceErrors(), s.labelOverflows()));
        samplesBeforeStats.add(samples.size());
        if (samples.size() == samplesAtDocumentStart)
        {
            statsWithoutSamples++;
        }
    }

    public Stats lastStats()
    {
        return stats.isEmpty() ? null : stats.get(stats.size() - 1);
    }

    public static void main(final String[] args)
    {
        final SpoolReader reader = read(Path.of(args[0]));
        System.out.println("service=" + reader.serviceName + " pid=" + reader.pid + " documents=" + reader.documents);
        reader.samples.forEach(System.out::println);
        System.out.println("stats: " + reader.lastStats());
        System.out.println("violations: " + reader.violations);
    }
}
