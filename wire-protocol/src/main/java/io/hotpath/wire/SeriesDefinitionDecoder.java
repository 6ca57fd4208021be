package io.hotpath.wire;

import org.agrona.DirectBuffer;

/** Flyweight over a SERIES_DEFINITION record; {@link #wrap} validates the whole record. */
public final class SeriesDefinitionDecoder
{
    private final int[] labelOffsets = new int[WireFormat.MAX_LABELS * 2];
    private DirectBuffer buffer;
    private int offset;
    private int recordLength;
    private int metricNameOffset;
    private int unitOffset;
    private int labelCount;
    private MetricKind kind;

    /** @return the record length. */
    public int wrap(final DirectBuffer buffer, final int offset, final int available)
    {
        recordLength = RecordBounds.checkHeader(
            buffer, offset, available, RecordType.SERIES_DEFINITION, SeriesDefinitionDescriptor.BLOCK_LENGTH);
        final int kindCode = buffer.getByte(offset + SeriesDefinitionDescriptor.KIND_OFFSET) & 0xFF;
        kind = MetricKind.fromCode(kindCode);
        if (kind == null)
        {
            throw new MalformedRecordException(
                MalformedRecordException.BAD_VALUE, offset + SeriesDefinitionDescriptor.KIND_OFFSET,
                "unknown metric kind " + kindCode);
        }
        labelCount = buffer.getShort(offset + SeriesDefinitionDescriptor.LABEL_COUNT_OFFSET, WireFormat.BYTE_ORDER) & 0xFFFF;
        if (labelCount > WireFormat.MAX_LABELS)
        {
            throw new MalformedRecordException(
                MalformedRecordException.BAD_VALUE, offset + SeriesDefinitionDescriptor.LABEL_COUNT_OFFSET,
                labelCount + " labels exceed the limit of " + WireFormat.MAX_LABELS);
        }
        final int limit = offset + recordLength;
        metricNameOffset = offset + RecordHeaderDescriptor.HEADER_LENGTH + RecordHeaderDescriptor.blockLength(buffer, offset);
        unitOffset = Utf8Strings.skip(buffer, metricNameOffset, limit, "metric name");
        if (unitOffset == metricNameOffset + Utf8Strings.LENGTH_PREFIX)
        {
            throw new MalformedRecordException(
                MalformedRecordException.BAD_VALUE, metricNameOffset, "metric name is empty");
        }
        int position = Utf8Strings.skip(buffer, unitOffset, limit, "unit");
        for (int i = 0; i < labelCount * 2; i++)
        {
            labelOffsets[i] = position;
            position = Utf8Strings.skip(buffer, position, limit, (i & 1) == 0 ? "label key" : "label value");
        }
        this.buffer = buffer;
        this.offset = offset;
        return recordLength;
    }

    public int recordLength()
    {
        return recordLength;
    }

    public int seriesId()
    {
        return buffer.getInt(offset + SeriesDefinitionDescriptor.SERIES_ID_OFFSET, WireFormat.BYTE_ORDER);
    }

    public MetricKind kind()
    {
        return kind;
    }

    public String metricName()
    {
        return Utf8Strings.get(buffer, metricNameOffset);
    }

    public String unit()
    {
        return Utf8Strings.get(buffer, unitOffset);
    }

    public int labelCount()
    {
        return labelCount;
    }

    public String labelKey(final int index)
    {
        return Utf8Strings.get(buffer, labelOffsets[checkLabelIndex(index) * 2]);
    }

    public String labelValue(final int index)
    {
        return Utf8Strings.get(buffer, labelOffsets[checkLabelIndex(index) * 2 + 1]);
    }

    private int checkLabelIndex(final int index)
    {
        if (index < 0 || index >= labelCount)
        {
            throw new IllegalArgumentException("label index " + index + " not in [0, " + labelCount + ")");
        }
        return index;
    }
}
