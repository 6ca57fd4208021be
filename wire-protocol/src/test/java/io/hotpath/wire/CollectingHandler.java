package io.hotpath.wire;

import java.util.List;

import org.agrona.DirectBuffer;

/** Renders each record as one line and reads every accessor, so decoding bugs surface in tests. */
final class CollectingHandler implements RecordHandler
{
    private final List<String> out;

    CollectingHandler(final List<String> out)
    {
        this.out = out;
    }

    @Override
    public void onQueueHeader(final QueueHeaderDecoder h)
    {
        out.add("header " + h.formatMajor() + "." + h.formatMinor() + " " + h.pid() + " " + h.jvmStartEpochMillis() + " " +
            h.serviceName() + " " + h.host() + " " + h.agentVersion());
    }

    @Override
    public void onSeriesDefinition(final SeriesDefinitionDecoder d)
    {
        final StringBuilder sb = new StringBuilder("series " + d.seriesId() + " " + d.kind().label() + " " + d.metricName() + " " + d.unit());
        for (int i = 0; i < d.labelCount(); i++)
        {
            sb.append(' ').append(d.labelKey(i)).append('=').append(d.labelValue(i));
        }
        out.add(sb.toString());
    }

    @Override
    public void onErrorTypeDefinition(final ErrorTypeDefinitionDecoder d)
    {
        out.add("error-type " + d.errorTypeId() + " " + d.name());
    }

    @Override
    public void onSample(final SampleDecoder s)
    {
        out.add("sample " + s.seriesId() + " " + (s.isError() ? "error:" + s.errorTypeId() : "ok") + " " + s.endEpochNanos() + " " +
            s.durationNanos() + " " + s.payloadBytes() +
            (s.isTraced() ? " " + TraceIds.traceIdHex(s.traceIdHigh(), s.traceIdLow()) + "/" + TraceIds.spanIdHex(s.spanId()) : ""));
    }

    @Override
    public void onAgentStats(final AgentStatsDecoder a)
    {
        out.add("stats " + a.timestampEpochNanos() + " " + a.samplesRecorded() + " " + a.samplesDropped() + " " + a.samplesDrained() + " " +
            a.ringOccupancyBytes() + " " + a.ringCapacityBytes() + " " + a.drainLagNanos() + " " + a.adviceErrors() + " " + a.labelOverflows());
    }

    @Override
    public void onUnknownRecord(final int type, final DirectBuffer buffer, final int offset, final int length)
    {
        out.add("unknown " + type + " " + length);
    }
}
