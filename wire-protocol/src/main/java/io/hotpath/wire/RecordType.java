package io.hotpath.wire;

/**
 * Record type codes, the {@link RecordHeaderDescriptor#TYPE_OFFSET type} byte of every record.
 * Codes are never reused; a reader skips (and counts) types it does not know.
 */
public final class RecordType
{
    public static final int QUEUE_HEADER = 1;
    public static final int SERIES_DEFINITION = 2;
    public static final int ERROR_TYPE_DEFINITION = 3;
    public static final int SAMPLE = 4;
    public static final int SAMPLE_BATCH = 5;
    public static final int AGENT_STATS = 6;

    private RecordType()
    {
    }

    public static String name(final int type)
    {
        switch (type)
        {
            case QUEUE_HEADER: return "QUEUE_HEADER";
            case SERIES_DEFINITION: return "SERIES_DEFINITION";
            case ERROR_TYPE_DEFINITION: return "ERROR_TYPE_DEFINITION";
            case SAMPLE: return "SAMPLE";
            case SAMPLE_BATCH: return "SAMPLE_BATCH";
            case AGENT_STATS: return "AGENT_STATS";
            default: return "UNKNOWN(" + type + ")";
        }
    }
}
