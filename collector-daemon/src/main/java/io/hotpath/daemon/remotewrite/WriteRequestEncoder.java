package io.hotpath.daemon.remotewrite;

import com.google.protobuf.CodedOutputStream;
import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.aggregate.NativeCounts;
import io.hotpath.daemon.aggregate.NativeHistogramLayout;
import io.hotpath.daemon.aggregate.NativeHistograms;
import io.hotpath.daemon.aggregate.Quantiles;
import io.hotpath.daemon.aggregate.SeriesKey;
import io.hotpath.daemon.aggregate.SeriesSnapshot;
import io.hotpath.daemon.aggregate.WindowTiers;
import io.hotpath.daemon.expose.ProtoBuffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xerial.snappy.Snappy;
import java.util.Arrays;

/**
 * Turns one rotation into Remote-Write 1.0 {@code WriteRequest}s (prompb types.proto / remote.proto),
 * snappy-compressed (block format) and cut into requests of at most {@code maxSamplesPerSend} series:
 * per live series the native histogram {@code hotpath_duration_seconds}, {@code hotpath_calls_total}
 * by outcome, and the quantile gauges {@code hotpath_duration_quantile_seconds} of the configured
 * windows (only while the window has samples). A series that went idle gets one staleness marker
 * ({@link #STALE_NAN}) on each of those series, then nothing until it has samples again.
 *
 * <p>Label sets are sorted and encoded once per series and kept; a rotation copies bytes.
 * Aggregation thread only.
 */
final class WriteRequestEncoder
{
    /** Prometheus' staleness marker, a NaN with this bit pattern. */
    static final double STALE_NAN = Double.longBitsToDouble(0x7ff0000000000002L);

    private final Map<String, String> externalLabels;
    private final int maxSamplesPerSend;
    private final int[] windows;
    private final String[] windowNames;
    private final Map<SeriesKey, SeriesLabels> labels = new HashMap<>();
    private final ProtoBuffer request = new ProtoBuffer();
    private final ProtoBuffer series = new ProtoBuffer();
    private final ProtoBuffer inner = new ProtoBuffer();
    private final ProtoBuffer scratch = new ProtoBuffer();
    private int inRequest;
    private int samplesInRequest;

    /** One request ready for the backlog. */
    record Encoded(byte[] snappy, int samples, int uncompressedBytes)
    {
    }

    WriteRequestEncoder(final Map<String, String> externalLabels, final int maxSamplesPerSend, final List<String> quantileWindows)
    {
        this.externalLabels = Map.copyOf(externalLabels);
        this.maxSamplesPerSend = maxSamplesPerSend;
        this.windows = new int[quantileWindows.size()];
        this.windowNames = quantileWindows.toArray(new String[0]);
        for (int i = 0; i < windows.length; i++)
        {
            windows[i] = "1s".equals(windowNames[i]) ? 0 : Arrays.asList(WindowTiers.WINDOW_NAMES).indexOf(windowNames[i]) + 1;
        }
    }

    /** Encodes the rotation as of {@code timestampMillis} into requests appended to {@code out}. */
    void encode(final AggregateSnapshot snapshot, final NativeHistograms natives, final long timestampMillis, final List<Encoded> out)
    {
        request.reset();
        inRequest = 0;
        samplesInRequest = 0;
        final String[] errorTypes = snapshot.errorTypeNames();
        for (final SeriesSnapshot s : snapshot.series())
        {
            final NativeHistograms.Entry entry = natives.get(s.key().key());
            SeriesLabels seriesLabels = labels.get(s.key());
            if (seriesLabels == null)
            {
                seriesLabels = new SeriesLabels(s.key(), externalLabels);
                labels.put(s.key(), seriesLabels);
            }
            final boolean live = entry == null || natives.isLive(entry, timestampMillis);
            if (!live)
            {
                if (!seriesLabels.stale)
                {
                    seriesLabels.stale = true;
                    for (final byte[] set : seriesLabels.sent.values())
                    {
                        writeSample(set, STALE_NAN, timestampMillis, out);
                    }
                    seriesLabels.sent.clear();
                }
                continue;
            }
            seriesLabels.stale = false;
            writeHistogram(seriesLabels.set("hotpath_duration_seconds", null, null, null, null), entry == null ? null : entry.counts(),
                natives.schema(), timestampMillis, out);
            writeSample(seriesLabels.set("hotpath_calls_total", "outcome", "ok", null, null), s.okCalls(), timestampMillis, out);
            final long[] errors = s.errorCallsByType();
            for (int e = 0; e < errors.length && e < errorTypes.length; e++)
            {
                if (errors[e] != 0)
                {
                    writeSample(seriesLabels.set("hotpath_calls_total", "outcome", "error", "error_type", errorTypes[e]), errors[e],
                        timestampMillis, out);
                }
            }
            for (int w = 0; w < windows.length; w++)
            {
                final int window = windows[w];
                final long count = window == 0 ? s.intervalCount() : s.windowCounts()[window - 1];
                if (count == 0)
                {
                    continue;
                }
                final long[] values = window == 0 ? s.intervalQuantiles() : s.windowQuantiles()[window - 1];
                for (int q = 0; q < Quantiles.REPORTED_LABELS.length; q++)
                {
                    writeSample(seriesLabels.set("hotpath_duration_quantile_seconds", "quantile", Quantiles.REPORTED_LABELS[q],
                        "window", windowNames[w]), values[q] / 1e9, timestampMillis, out);
                }
            }
        }
        flush(out);
    }

    private void writeSample(final byte[] labelBytes, final double value, final long timestampMillis, final List<Encoded> out)
    {
        try
        {
            series.reset();
            series.out().writeRawBytes(labelBytes);
            inner.reset();
            inner.out().writeDouble(1, value);
            inner.out().writeInt64(2, timestampMillis);
            inner.writeTo(2, series.out());
            add(out);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    /** prompb.Histogram: count_int 1, sum 3, schema 4, zero_threshold 5, zero_count_int 6, positive spans 11 / deltas 12, timestamp 15. */
    private void writeHistogram(final byte[] labelBytes, final NativeCounts counts, final int schema, final long timestampMillis,
        final List<Encoded> out)
    {
        try
        {
            series.reset();
            series.out().writeRawBytes(labelBytes);
            inner.reset();
            final CodedOutputStream h = inner.out();
            h.writeUInt64(1, counts == null ? 0 : counts.count());
            h.writeDouble(3, counts == null ? 0 : counts.sumNanos() / 1e9);
            h.writeSInt32(4, schema);
            h.writeDouble(5, NativeHistogramLayout.ZERO_THRESHOLD);
            h.writeUInt64(6, counts == null ? 0 : counts.zeroCount());
            if (counts != null)
            {
                ProtoBuffer.writeNativeBuckets(counts, h, scratch, 11, 12);
            }
            h.writeInt64(15, timestampMillis);
            inner.writeTo(4, series.out());
            add(out);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    private void add(final List<Encoded> out)
    {
        series.writeTo(1, request.out());
        inRequest++;
        samplesInRequest++;
        if (inRequest >= maxSamplesPerSend)
        {
            flush(out);
        }
    }

    private void flush(final List<Encoded> out)
    {
        if (inRequest == 0)
        {
            return;
        }
        final byte[] raw = request.toByteArray();
        try
        {
            out.add(new Encoded(Snappy.compress(raw), samplesInRequest, raw.length));
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        request.reset();
        inRequest = 0;
        samplesInRequest = 0;
    }

    /** A series' label sets, each sorted by name with {@code __name__} and the external labels, encoded once. */
    private static final class SeriesLabels
    {
        private final TreeMap<String, String> base = new TreeMap<>();
        private final Map<String, byte[]> cache = new HashMap<>();
        /** The label sets written since the series became live: what a staleness marker must end. */
        final Map<String, byte[]> sent = new HashMap<>();
        boolean stale;

        SeriesLabels(final SeriesKey key, final Map<String, String> external)
        {
            base.putAll(external);
            base.putAll(key.labels());
        }

        byte[] set(final String name, final String n1, final String v1, final String n2, final String v2)
        {
            final String cacheKey = name + '\u0000' + n1 + '\u0000' + v1 + '\u0000' + n2 + '\u0000' + v2;
            byte[] bytes = cache.get(cacheKey);
            if (bytes == null)
            {
                final TreeMap<String, String> all = new TreeMap<>(base);
                all.put("__name__", name);
                if (n1 != null && !v1.isEmpty())
                {
                    all.put(n1, v1);
                }
                if (n2 != null && !v2.isEmpty())
                {
                    all.put(n2, v2);
                }
                final ProtoBuffer buffer = new ProtoBuffer();
                final ProtoBuffer label = new ProtoBuffer();
                for (final Map.Entry<String, String> entry : all.entrySet())
                {
                    ProtoBuffer.writeLabel(buffer.out(), 1, entry.getKey(), entry.getValue(), label);
                }
                bytes = buffer.toByteArray();
                cache.put(cacheKey, bytes);
            }
            sent.putIfAbsent(cacheKey, bytes);
            return bytes;
        }
    }
}
