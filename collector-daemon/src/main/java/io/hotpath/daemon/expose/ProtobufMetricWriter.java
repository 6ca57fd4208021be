package io.hotpath.daemon.expose;

import io.hotpath.daemon.aggregate.NativeCounts;
import io.hotpath.daemon.aggregate.NativeHistogramLayout;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Objects;

/**
 * Renders families in the Prometheus protobuf exposition format
 * ({@value #CONTENT_TYPE}): a stream of length-prefixed {@code io.prometheus.client.MetricFamily}
 * messages (metrics.proto of client_model). It is the only format that carries native histograms,
 * which Prometheus asks for with {@code --enable-feature=native-histograms}.
 *
 * <p>The writer regroups the flat sample calls of {@link MetricWriter} into messages: a histogram's
 * {@code _bucket}/{@code _sum}/{@code _count} samples and its {@link #nativeHistogram} become one
 * {@code Metric}; a summary's quantiles likewise. A summary family without {@code _sum}/{@code _count}
 * (the quantile gauges of {@code hotpath_duration_quantile_seconds}) is written as gauges with a
 * {@code quantile} label, as the text format shows it, instead of summaries with a fake count of 0.
 */
public final class ProtobufMetricWriter implements MetricWriter
{
    public static final String CONTENT_TYPE =
        "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

    // client_model metrics.proto
    private static final int TYPE_COUNTER = 0;
    private static final int TYPE_GAUGE = 1;
    private static final int TYPE_SUMMARY = 2;
    private static final int TYPE_UNTYPED = 3;
    private static final int TYPE_HISTOGRAM = 4;

    private final ProtoBuffer stream = new ProtoBuffer();
    private final ProtoBuffer family = new ProtoBuffer();
    private final ProtoBuffer metric = new ProtoBuffer();
    private final ProtoBuffer inner = new ProtoBuffer();
    private final ProtoBuffer item = new ProtoBuffer();
    private final ProtoBuffer label = new ProtoBuffer();

    private MetricType type;
    private int metrics;
    private boolean summaryAsGauges;
    private String sampleName;

    // The histogram or summary being collected.
    private Labels openLabels;
    private String openName1;
    private String openValue1;
    private boolean open;
    private long count;
    private double sum;
    private boolean hasSumOrCount;
    private double[] bounds = new double[32];
    private double[] values = new double[32];
    private int entries;
    private boolean nativeSet;
    private int nativeSchema;
    private NativeCounts nativeCounts;

    public void reset()
    {
        stream.reset();
        family.reset();
        type = null;
        metrics = 0;
        open = false;
    }

    /** Ends the last family and returns the stream's bytes. */
    public byte[] finish()
    {
        endFamily();
        return stream.toByteArray();
    }

    @Override
    public boolean wantsNativeHistograms()
    {
        return true;
    }

    @Override
    public void family(final String name, final MetricType type, final String help)
    {
        endFamily();
        this.type = type;
        this.metrics = 0;
        this.summaryAsGauges = false;
        this.sampleName = name + type.prometheusFamilySuffix();
        try
        {
            family.reset();
            family.out().writeString(1, sampleName);
            family.out().writeString(2, help);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void sample(final String suffix, final Labels labels, final String name1, final String value1, final String name2,
        final String value2, final long value)
    {
        sample(suffix, labels, name1, value1, name2, value2, (double)value);
    }

    @Override
    public void sampleNanosAsSeconds(final String suffix, final Labels labels, final String name1, final String value1,
        final String name2, final String value2, final long nanos)
    {
        sample(suffix, labels, name1, value1, name2, value2, nanos / 1e9);
    }

    @Override
    public void sample(final String suffix, final Labels labels, final String name1, final String value1, final String name2,
        final String value2, final double value)
    {
        if (type == null)
        {
            return;
        }
        switch (type)
        {
            case HISTOGRAM:
                grouped(suffix, labels, name1, value1, name2, value2, value, "le", "_bucket");
                break;
            case SUMMARY:
                grouped(suffix, labels, name1, value1, name2, value2, value, "quantile", "");
                break;
            case COUNTER:
                if ("_total".equals(suffix))
                {
                    simple(labels, name1, value1, name2, value2, value, 3);
                }
                break;
            default:
                if (suffix.isEmpty())
                {
                    simple(labels, name1, value1, name2, value2, value, type == MetricType.UNKNOWN ? 5 : 2);
                }
        }
    }

    @Override
    public void exemplar(final String traceId, final String spanId, final long valueNanos, final long epochMillis)
    {
        // Exemplars come with OpenMetrics; the protobuf form here carries none.
    }

    @Override
    public void nativeHistogram(final int schema, final NativeCounts counts)
    {
        if (open && type == MetricType.HISTOGRAM)
        {
            nativeSet = true;
            nativeSchema = schema;
            nativeCounts = counts;
        }
    }

    /** Counter (field 3), gauge (2) or untyped (5): {value: 1}. */
    private void simple(final Labels labels, final String name1, final String value1, final String name2, final String value2,
        final double value, final int field)
    {
        closeOpen();
        try
        {
            metric.reset();
            writeLabels(labels, name1, value1, name2, value2, null, null);
            inner.reset();
            inner.out().writeDouble(1, value);
            inner.writeTo(field, metric.out());
            metric.writeTo(4, family.out());
            metrics++;
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    /** A histogram's or summary's sample: collected until the labels change or the family ends. */
    private void grouped(final String suffix, final Labels labels, final String name1, final String value1, final String name2,
        final String value2, final double value, final String entryLabel, final String entrySuffix)
    {
        // The entry's own label (le, quantile) is one of the two extra pairs; the other, if any, is part of the metric's labels.
        final boolean entryFirst = entryLabel.equals(name1);
        final boolean entrySecond = entryLabel.equals(name2);
        final String keepName = entryFirst ? name2 : name1;
        final String keepValue = entryFirst ? value2 : value1;
        if (!open || labels != openLabels || !Objects.equals(keepName, openName1) || !Objects.equals(keepValue, openValue1))
        {
            closeOpen();
            open = true;
            openLabels = labels;
            openName1 = keepName;
            openValue1 = keepValue;
            entries = 0;
            count = 0;
            sum = 0;
            hasSumOrCount = false;
            nativeSet = false;
            nativeCounts = null;
        }
        if (suffix.equals(entrySuffix) && (entryFirst || entrySecond))
        {
            if (entries == bounds.length)
            {
                bounds = Arrays.copyOf(bounds, entries * 2);
                values = Arrays.copyOf(values, entries * 2);
            }
            final String bound = entryFirst ? value1 : value2;
            bounds[entries] = "+Inf".equals(bound) ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            values[entries++] = value;
        }
        else if ("_sum".equals(suffix))
        {
            sum = value;
            hasSumOrCount = true;
        }
        else if ("_count".equals(suffix))
        {
            count = (long)value;
            hasSumOrCount = true;
        }
    }

    private void closeOpen()
    {
        if (!open)
        {
            return;
        }
        open = false;
        try
        {
            if (type == MetricType.HISTOGRAM)
            {
                writeHistogram();
            }
            else if (hasSumOrCount)
            {
                metric.reset();
                writeLabels(openLabels, openName1, openValue1, null, null, null, null);
                inner.reset();
                inner.out().writeUInt64(1, count);
                inner.out().writeDouble(2, sum);
                for (int i = 0; i < entries; i++)
                {
                    item.reset();
                    item.out().writeDouble(1, bounds[i]);
                    item.out().writeDouble(2, values[i]);
                    item.writeTo(3, inner.out());
                }
                inner.writeTo(4, metric.out());
                metric.writeTo(4, family.out());
                metrics++;
            }
            else
            {
                summaryAsGauges = true;
                for (int i = 0; i < entries; i++)
                {
                    metric.reset();
                    writeLabels(openLabels, openName1, openValue1, "quantile", quantileLabel(bounds[i]), null, null);
                    inner.reset();
                    inner.out().writeDouble(1, values[i]);
                    inner.writeTo(2, metric.out());
                    metric.writeTo(4, family.out());
                    metrics++;
                }
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    private static String quantileLabel(final double quantile)
    {
        return BigDecimal.valueOf(quantile).stripTrailingZeros().toPlainString();
    }

    private void writeHistogram() throws IOException
    {
        metric.reset();
        writeLabels(openLabels, openName1, openValue1, null, null, null, null);
        inner.reset();
        final CodedOutputStream h = inner.out();
        if (nativeSet && nativeCounts != null)
        {
            h.writeUInt64(1, nativeCounts.count());
            h.writeDouble(2, nativeCounts.sumNanos() / 1e9);
        }
        else
        {
            h.writeUInt64(1, count);
            h.writeDouble(2, sum);
        }
        for (int i = 0; i < entries; i++)
        {
            if (bounds[i] == Double.POSITIVE_INFINITY)
            {
                continue; // implied by sample_count
            }
            item.reset();
            item.out().writeUInt64(1, (long)values[i]);
            item.out().writeDouble(2, bounds[i]);
            item.writeTo(3, h);
        }
        if (nativeSet)
        {
            h.writeSInt32(5, nativeSchema);
            h.writeDouble(6, NativeHistogramLayout.ZERO_THRESHOLD);
            h.writeUInt64(7, nativeCounts == null ? 0 : nativeCounts.zeroCount());
            if (nativeCounts != null)
            {
                ProtoBuffer.writeNativeBuckets(nativeCounts, h, item, 12, 13);
            }
        }
        inner.writeTo(7, metric.out());
        metric.writeTo(4, family.out());
        metrics++;
    }

    private void writeLabels(final Labels labels, final String name1, final String value1, final String name2, final String value2,
        final String name3, final String value3)
    {
        for (int i = 0; i < labels.size(); i++)
        {
            ProtoBuffer.writeLabel(metric.out(), 1, labels.name(i), labels.value(i), label);
        }
        if (name1 != null)
        {
            ProtoBuffer.writeLabel(metric.out(), 1, name1, value1, label);
        }
        if (name2 != null)
        {
            ProtoBuffer.writeLabel(metric.out(), 1, name2, value2, label);
        }
        if (name3 != null)
        {
            ProtoBuffer.writeLabel(metric.out(), 1, name3, value3, label);
        }
    }

    private void endFamily()
    {
        if (type == null)
        {
            return;
        }
        closeOpen();
        if (metrics > 0)
        {
            try
            {
                family.out().writeEnum(3, familyType());
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException(e);
            }
            family.writeDelimitedTo(stream.out());
        }
        type = null;
    }

    private int familyType()
    {
        switch (type)
        {
            case COUNTER: return TYPE_COUNTER;
            case HISTOGRAM: return TYPE_HISTOGRAM;
            case SUMMARY: return summaryAsGauges ? TYPE_GAUGE : TYPE_SUMMARY;
            case UNKNOWN: return TYPE_UNTYPED;
            default: return TYPE_GAUGE;
        }
    }
}
