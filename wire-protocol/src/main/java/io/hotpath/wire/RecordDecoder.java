package io.hotpath.wire;

import org.agrona.DirectBuffer;

/**
 * Decodes one record at a time and dispatches it to a {@link RecordHandler}. Holds one flyweight
 * per record type, so decoding allocates nothing; one instance per reading thread.
 *
 * <p>Bad bytes surface only as {@link MalformedRecordException} (or its subclass
 * {@link UnsupportedFormatException} for a queue header of another format); the exception is thrown
 * before the handler sees any part of the bad record.
 */
public final class RecordDecoder
{
    private final QueueHeaderDecoder queueHeader = new QueueHeaderDecoder();
    private final SeriesDefinitionDecoder seriesDefinition = new SeriesDefinitionDecoder();
    private final ErrorTypeDefinitionDecoder errorTypeDefinition = new ErrorTypeDefinitionDecoder();
    private final SampleDecoder sample = new SampleDecoder();
    private final SampleBatchDecoder batch = new SampleBatchDecoder();
    private final AgentStatsDecoder agentStats = new AgentStatsDecoder();

    /**
     * Decodes the record at {@code offset}.
     *
     * @param available bytes readable from {@code offset}.
     * @param source    names the stream in error messages.
     * @return the record's length; the next record starts there.
     */
    public int decode(
        final DirectBuffer buffer, final int offset, final int available, final String source, final RecordHandler handler)
    {
        final int recordLength = RecordBounds.checkFraming(buffer, offset, available);
        final int type = RecordHeaderDescriptor.type(buffer, offset);
        switch (type)
        {
            case RecordType.SAMPLE_BATCH:
                batch.wrap(buffer, offset, recordLength);
                for (int i = 0, n = batch.count(); i < n; i++)
                {
                    handler.onSample(batch.entry(i));
                }
                break;

            case RecordType.SAMPLE:
                sample.wrap(buffer, offset, recordLength);
                handler.onSample(sample);
                break;

            case RecordType.SERIES_DEFINITION:
                seriesDefinition.wrap(buffer, offset, recordLength);
                handler.onSeriesDefinition(seriesDefinition);
                break;

            case RecordType.ERROR_TYPE_DEFINITION:
                errorTypeDefinition.wrap(buffer, offset, recordLength);
                handler.onErrorTypeDefinition(errorTypeDefinition);
                break;

            case RecordType.AGENT_STATS:
                agentStats.wrap(buffer, offset, recordLength);
                handler.onAgentStats(agentStats);
                break;

            case RecordType.QUEUE_HEADER:
                queueHeader.wrap(buffer, offset, recordLength, source);
                handler.onQueueHeader(queueHeader);
                break;

            default:
                handler.onUnknownRecord(type, buffer, offset, recordLength);
                break;
        }
        return recordLength;
    }

    /**
     * Decodes consecutive records in {@code [offset, offset + length)}, as read from a TCP stream or a
     * document holding several records. Stops at the first malformed record by throwing.
     *
     * @return the number of records decoded.
     */
    public int decodeAll(
        final DirectBuffer buffer, final int offset, final int length, final String source, final RecordHandler handler)
    {
        int position = offset;
        int records = 0;
        final int limit = offset + length;
        while (position < limit)
        {
            position += decode(buffer, position, limit - position, source, handler);
            records++;
        }
        return records;
    }
}
