package io.hotpath.wire;

/**
 * Layout of the SAMPLE_BATCH record: many sample entries in one record, so a writer pays the
 * per-document cost of its transport (a Chronicle Queue document, a TCP write) once per batch.
 * Offsets are from the record start.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Record header (type = 5), 8 bytes             |
 *  +---------------------------------------------------------------+
 *  |                          Entry Count                          |
 *  +-------------------------------+-------------------------------+
 *  |         Entry Length          |           reserved            |
 *  +-------------------------------+-------------------------------+
 *  |  Entry Count x sample entry of Entry Length bytes            ...
 *  |  (see SampleDescriptor)                                      ...
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The record length is exactly {@code 8 + blockLength + count * entryLength}.
 */
public final class SampleBatchDescriptor
{
    public static final int COUNT_OFFSET = 8;
    public static final int ENTRY_LENGTH_OFFSET = 12;
    public static final int BLOCK_LENGTH = 8;
    /** Where entries start in a record written by this version. */
    public static final int ENTRIES_OFFSET = RecordHeaderDescriptor.HEADER_LENGTH + BLOCK_LENGTH;

    /** Largest batch whose record stays within {@link WireFormat#MAX_RECORD_LENGTH}. */
    public static int maxEntries(final int entryLength)
    {
        return (WireFormat.MAX_RECORD_LENGTH - ENTRIES_OFFSET) / entryLength;
    }

    public static int recordLength(final int count, final int entryLength)
    {
        return ENTRIES_OFFSET + count * entryLength;
    }

    private SampleBatchDescriptor()
    {
    }
}
