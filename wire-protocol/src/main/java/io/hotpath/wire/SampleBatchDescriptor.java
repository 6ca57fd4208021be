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
 *  |                    Written Epoch Nanos (8 bytes)              |
 *  +---------------------------------------------------------------+
 *  |  Entry Count x sample entry of Entry Length bytes            ...
 *  |  (see SampleDescriptor)                                      ...
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The record length is exactly {@code 8 + blockLength + count * entryLength}.
 *
 * <p><b>Written Epoch Nanos</b> (block length 16; added without a format change, as the block length tells): when the writer took the batch's samples from its
 * ring, on the clock of the samples' end times. A sample written after its own second ended tells the reader
 * that the writer (the JVM's drain thread, the JVM) was stalled at the boundary, whenever the reader itself got
 * to it. Batches of block length 8 (older writers) have none; readers take entries at {@code 8 + blockLength},
 * so older readers skip the field.
 */
public final class SampleBatchDescriptor
{
    public static final int COUNT_OFFSET = 8;
    public static final int ENTRY_LENGTH_OFFSET = 12;
    public static final int WRITTEN_EPOCH_NANOS_OFFSET = 16;
    /** The block this version writes. */
    public static final int BLOCK_LENGTH = 16;
    /** The block of batches written before {@link #WRITTEN_EPOCH_NANOS_OFFSET} existed: readers accept it. */
    public static final int MIN_BLOCK_LENGTH = 8;
    /** A batch without a write time. */
    public static final long NOT_STAMPED = Long.MIN_VALUE;
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
