package io.hotpath.daemon.aggregate;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.LinkedHashMap;

/**
 * Every series' cumulative native histogram ({@link NativeCounts}) and when it last had a sample:
 * an {@link IntervalListener}, so it counts each sample exactly once (on time or late) and its
 * state pairs with the queue positions in the checkpoint ({@link #capture}, {@link #restore}).
 *
 * <h2>Series lifecycle</h2>
 * A series without samples for {@code idleMillis} is idle: it leaves {@code /metrics} and
 * remote_write sends it a staleness marker once. A sample brings it back, counters continuing.
 *
 * <p>Owned by the aggregation thread; exposition and remote_write read it there, after rotations.
 */
public final class NativeHistograms implements IntervalListener
{
    private static final Logger LOG = Logger.getLogger(NativeHistograms.class.getName());

    private final NativeHistogramLayout layout;
    private final long idleMillis;
    private final Map<String, Entry> bySeries = new HashMap<>();
    private final List<Entry> entries = new ArrayList<>();
    private long lastIntervalEndMillis;

    public NativeHistograms(final int schema, final long idleMillis)
    {
        this.layout = NativeHistogramLayout.of(schema);
        this.idleMillis = idleMillis;
    }

    public NativeHistogramLayout layout()
    {
        return layout;
    }

    public int schema()
    {
        return layout.schema();
    }

    public long idleMillis()
    {
        return idleMillis;
    }

    /** One series' cumulative native histogram and activity. */
    public static final class Entry
    {
        private final String key;
        private final Map<String, String> labels;
        private final NativeCounts counts = new NativeCounts();
        private long lastSampleEndMillis;

        Entry(final String key, final Map<String, String> labels)
        {
            this.key = key;
            this.labels = labels;
        }

        public String key()
        {
            return key;
        }

        public Map<String, String> labels()
        {
            return labels;
        }

        public NativeCounts counts()
        {
            return counts;
        }

        /** End of the last interval that had a sample (epoch millis); 0 before the first. */
        public long lastSampleEndMillis()
        {
            return lastSampleEndMillis;
        }
    }

    @Override
    public void onInterval(final ClosedInterval interval)
    {
        final long end = interval.intervalStartEpochMillis() + 1000;
        lastIntervalEndMillis = Math.max(lastIntervalEndMillis, end);
        if (interval.count() == 0)
        {
            if (bySeries.get(interval.seriesKey()) == null)
            {
                newEntry(interval.seriesKey(), interval.labels(), end);
            }
            return;
        }
        add(interval, end);
    }

    @Override
    public void onLateInterval(final ClosedInterval samples)
    {
        // Late samples count now: the series was active at this rotation.
        add(samples, Math.max(lastIntervalEndMillis, samples.intervalStartEpochMillis() + 1000));
    }

    private void add(final ClosedInterval interval, final long endMillis)
    {
        Entry entry = bySeries.get(interval.seriesKey());
        if (entry == null)
        {
            entry = newEntry(interval.seriesKey(), interval.labels(), endMillis);
        }
        final SparseCounts counts = interval.counts();
        if (counts != null)
        {
            entry.counts.add(counts, layout);
        }
        entry.lastSampleEndMillis = Math.max(entry.lastSampleEndMillis, endMillis);
    }

    /** A series seen for the first time counts as active from then on (an idle clock starts). */
    private Entry newEntry(final String key, final Map<String, String> labels, final long endMillis)
    {
        final Entry entry = new Entry(key, Map.copyOf(labels));
        entry.lastSampleEndMillis = endMillis;
        entries.add(entry);
        bySeries.put(key, entry);
        return entry;
    }

    /** The series' native histogram, or null before its first rotation. */
    public Entry get(final String seriesKey)
    {
        return bySeries.get(seriesKey);
    }

    /** Every series, in first-seen order. */
    public List<Entry> entries()
    {
        return entries;
    }

    /** Whether the series had a sample within the idle time before {@code nowMillis} (unknown series: yes). */
    public boolean isLive(final String seriesKey, final long nowMillis)
    {
        final Entry entry = bySeries.get(seriesKey);
        return entry == null || isLive(entry, nowMillis);
    }

    public boolean isLive(final Entry entry, final long nowMillis)
    {
        return nowMillis - entry.lastSampleEndMillis <= idleMillis;
    }

    /** End of the last closed interval seen (epoch millis). */
    public long lastIntervalEndMillis()
    {
        return lastIntervalEndMillis;
    }

    public long retainedBytes()
    {
        long bytes = 0;
        for (final Entry entry : entries)
        {
            bytes += 96 + entry.counts.retainedBytes();
        }
        return bytes;
    }

    // ---- checkpoint: one block, protobuf-style varints ----

    /** The state as one block: per series key, schema, activity, counts (varint, zig-zag deltas between buckets). */
    public Map<String, byte[]> capture()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + entries.size() * 64);
        final CodedOutputStream out = CodedOutputStream.newInstance(bytes, 8192);
        try
        {
            out.writeInt32NoTag(layout.schema());
            out.writeInt32NoTag(entries.size());
            for (final Entry entry : entries)
            {
                final NativeCounts c = entry.counts;
                out.writeStringNoTag(entry.key);
                out.writeInt32NoTag(entry.labels.size());
                for (final Map.Entry<String, String> label : entry.labels.entrySet())
                {
                    out.writeStringNoTag(label.getKey());
                    out.writeStringNoTag(label.getValue());
                }
                out.writeInt64NoTag(entry.lastSampleEndMillis);
                out.writeUInt64NoTag(c.count());
                out.writeUInt64NoTag(c.zeroCount());
                out.writeInt64NoTag(c.sumNanos());
                out.writeSInt32NoTag(c.offset());
                out.writeUInt32NoTag(c.rangeLength());
                long previous = 0;
                for (int i = 0; i < c.rangeLength(); i++)
                {
                    final long value = c.bucket(c.offset() + i);
                    out.writeSInt64NoTag(value - previous);
                    previous = value;
                }
            }
            out.flush();
        }
        catch (final IOException e)
        {
            throw new IllegalStateException(e); // a ByteArrayOutputStream does not fail
        }
        return Map.of("series", bytes.toByteArray());
    }

    /** Restores {@link #capture}'s block; counts of another schema are dropped (the histograms restart, as a counter reset). */
    public void restore(final Map<String, byte[]> saved)
    {
        final byte[] block = saved.get("series");
        if (block == null)
        {
            return;
        }
        try
        {
            final CodedInputStream in = CodedInputStream.newInstance(block);
            in.setSizeLimit(Integer.MAX_VALUE);
            final int schema = in.readInt32();
            final int n = in.readInt32();
            for (int s = 0; s < n; s++)
            {
                final String key = in.readString();
                final int labelCount = in.readInt32();
                final Map<String, String> labels = new LinkedHashMap<>();
                for (int l = 0; l < labelCount; l++)
                {
                    labels.put(in.readString(), in.readString());
                }
                final long lastSample = in.readInt64();
                final long count = in.readUInt64();
                final long zero = in.readUInt64();
                final long sum = in.readInt64();
                final int offset = in.readSInt32();
                final int length = in.readUInt32();
                final long[] counts = new long[length];
                long previous = 0;
                for (int i = 0; i < length; i++)
                {
                    previous += in.readSInt64();
                    counts[i] = previous;
                }
                final Entry entry = new Entry(key, Map.copyOf(labels));
                entry.lastSampleEndMillis = lastSample;
                if (schema == layout.schema())
                {
                    entry.counts.restore(offset, counts, zero, count, sum);
                }
                bySeries.put(key, entry);
                entries.add(entry);
            }
            if (schema != layout.schema())
            {
                LOG.warning("native histogram schema changed from " + schema + " to " + layout.schema() +
                    " since the checkpoint: native histograms restart from 0");
            }
        }
        catch (final IOException | RuntimeException e)
        {
            LOG.warning("cannot read the native histograms of the checkpoint (" + e + "): they restart from 0");
            bySeries.clear();
            entries.clear();
        }
    }
}
