package io.hotpath.wire;

import org.agrona.MutableDirectBuffer;

/** Writes a SERIES_DEFINITION record; see {@link SeriesDefinitionDescriptor}. */
public final class SeriesDefinitionEncoder
{
    private SeriesDefinitionEncoder()
    {
    }

    /** @param labels alternating keys and values: {@code {"transport", "quic", "region", "eu"}}. */
    public static int encodedLength(final String metricName, final String unit, final String... labels)
    {
        checkLabels(labels);
        int length = RecordHeaderDescriptor.HEADER_LENGTH + SeriesDefinitionDescriptor.BLOCK_LENGTH +
            Utf8Strings.encodedLength(metricName) + Utf8Strings.encodedLength(unit);
        for (final String label : labels)
        {
            length += Utf8Strings.encodedLength(label);
        }
        return length;
    }

    /** Encodes at {@code offset}; returns the record length. */
    public static int encode(
        final MutableDirectBuffer buffer,
        final int offset,
        final int seriesId,
        final MetricKind kind,
        final String metricName,
        final String unit,
        final String... labels)
    {
        final int length = encodedLength(metricName, unit, labels);
        buffer.putInt(offset + SeriesDefinitionDescriptor.SERIES_ID_OFFSET, seriesId, WireFormat.BYTE_ORDER);
        buffer.putByte(offset + SeriesDefinitionDescriptor.KIND_OFFSET, (byte)kind.code());
        buffer.putByte(offset + SeriesDefinitionDescriptor.KIND_OFFSET + 1, (byte)0);
        buffer.putShort(offset + SeriesDefinitionDescriptor.LABEL_COUNT_OFFSET, (short)(labels.length / 2), WireFormat.BYTE_ORDER);
        int position = offset + RecordHeaderDescriptor.HEADER_LENGTH + SeriesDefinitionDescriptor.BLOCK_LENGTH;
        position = Utf8Strings.put(buffer, position, metricName);
        position = Utf8Strings.put(buffer, position, unit);
        for (final String label : labels)
        {
            position = Utf8Strings.put(buffer, position, label);
        }
        RecordHeaderDescriptor.write(
            buffer, offset, length, RecordType.SERIES_DEFINITION, SeriesDefinitionDescriptor.BLOCK_LENGTH);
        return length;
    }

    private static void checkLabels(final String[] labels)
    {
        if ((labels.length & 1) != 0)
        {
            throw new IllegalArgumentException("labels must be key/value pairs, got " + labels.length + " strings");
        }
        if (labels.length / 2 > WireFormat.MAX_LABELS)
        {
            throw new IllegalArgumentException(
                (labels.length / 2) + " labels exceed the limit of " + WireFormat.MAX_LABELS);
        }
    }
}
