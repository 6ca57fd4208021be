package io.hotpath.wire;

import org.agrona.DirectBuffer;

/**
 * Receives decoded records from {@link RecordDecoder}. The decoder objects are flyweights reused for
 * the next record: copy out what must outlive the call.
 */
public interface RecordHandler
{
    void onQueueHeader(QueueHeaderDecoder header);

    void onSeriesDefinition(SeriesDefinitionDecoder definition);

    void onErrorTypeDefinition(ErrorTypeDefinitionDecoder definition);

    /** Called once per sample, for SAMPLE records and for each entry of a SAMPLE_BATCH. */
    void onSample(SampleDecoder sample);

    void onAgentStats(AgentStatsDecoder stats);

    /** A well-framed record of a type this reader does not know (written by a newer minor version). */
    default void onUnknownRecord(final int type, final DirectBuffer buffer, final int offset, final int length)
    {
    }
}
