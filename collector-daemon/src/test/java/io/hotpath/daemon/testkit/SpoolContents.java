package io.hotpath.daemon.testkit;

import io.hotpath.wire.AgentStatsDecoder;
import io.hotpath.wire.ErrorTypeDefinitionDecoder;
import io.hotpath.wire.QueueHeaderDecoder;
import io.hotpath.wire.RecordDecoder;
import io.hotpath.wire.RecordHandler;
import io.hotpath.wire.SampleDecoder;
import io.hotpath.wire.SeriesDefinitionDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;
import java.util.Set;
import io.hotpath.daemon.aggregate.HistogramLayout;

/**
 * What the agents really wrote into a spool, read independently of the daemon (plain Chronicle +
 * the wire decoder): every sample's duration per series, to compute exact percentiles of exactly
 * the durations the daemon aggregated. The series key is {@code metric{k="v",…}} with the rule's
 * labels sorted by name, as the demo writes its {@code --results}.
 */
public final class SpoolContents
{
    private final Map<String, long[]> durations = new TreeMap<>();
    private final Map<String, Integer> sizes = new HashMap<>();

    private SpoolContents()
    {
    }

    public static SpoolContents read(final Path spool) throws Exception
    {
        final SpoolContents contents = new SpoolContents();
        try (var queues = Files.list(spool))
        {
            for (final Path queue : queues.filter(Files::isDirectory).toList())
            {
                contents.readQueue(queue);
            }
        }
        contents.durations.replaceAll((key, values) ->
        {
            final long[] used = Arrays.copyOf(values, contents.sizes.get(key));
            Arrays.sort(used);
            return used;
        });
        return contents;
    }

    private void readQueue(final Path directory)
    {
        final Map<Integer, String> keys = new HashMap<>();
        final RecordDecoder decoder = new RecordDecoder();
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory).readOnly(true).build())
        {
            final ExcerptTailer tailer = queue.createTailer();
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return;
                    }
                    final byte[] bytes = dc.wire().bytes().toByteArray();
                    decoder.decodeAll(new UnsafeBuffer(bytes), 0, bytes.length, directory.toString(), new RecordHandler()
                    {
                        @Override
                        public void onQueueHeader(final QueueHeaderDecoder header)
                        {
                        }

                        @Override
                        public void onSeriesDefinition(final SeriesDefinitionDecoder definition)
                        {
                            final TreeMap<String, String> labels = new TreeMap<>();
                            for (int i = 0; i < definition.labelCount(); i++)
                            {
                                labels.put(definition.labelKey(i), definition.labelValue(i));
                            }
                            final StringBuilder key = new StringBuilder(definition.metricName());
                            if (!labels.isEmpty())
                            {
                                key.append('{');
                                labels.forEach((k, v) -> key.append(k).append("=\"").append(v).append("\","));
                                key.setLength(key.length() - 1);
                                key.append('}');
                            }
                            keys.put(definition.seriesId(), key.toString());
                        }

                        @Override
                        public void onErrorTypeDefinition(final ErrorTypeDefinitionDecoder definition)
                        {
                        }

                        @Override
                        public void onSample(final SampleDecoder sample)
                        {
                            add(keys.get(sample.seriesId()), sample.durationNanos());
                        }

                        @Override
                        public void onAgentStats(final AgentStatsDecoder stats)
                        {
                        }
                    });
                }
            }
        }
    }

    private void add(final String key, final long duration)
    {
        final int size = sizes.getOrDefault(key, 0);
        long[] values = durations.computeIfAbsent(key, k -> new long[1024]);
        if (size == values.length)
        {
            values = Arrays.copyOf(values, size * 2);
            durations.put(key, values);
        }
        values[size] = duration;
        sizes.put(key, size + 1);
    }

    /** Series keys seen. */
    public Set<String> series()
    {
        return durations.keySet();
    }

    public long count(final String series)
    {
        final long[] values = durations.get(series);
        return values == null ? 0 : values.length;
    }

    /**
     * Exact nearest-rank quantile: the smallest recorded duration with at least {@code q} of them at
     * or below it, the rank computed as HdrHistogram (and the daemon) compute it.
     */
    public long quantile(final String series, final double q)
    {
        final long[] values = durations.get(series);
        final long rank = HistogramLayout.countAtPercentile(q * 100.0, values.length);
        return values[(int)rank - 1];
    }
}
