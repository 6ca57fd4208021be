package io.hotpath.daemon.slo;

/**
 * Layout of an SLO's saved state (version 1; one entry of the daemon's checkpoint, part {@code slo}):
 * the per-minute and per-hour good/total counters of one SLO, so that a restart does not reset a
 * 30-day error budget. Little-endian; offsets in bytes from the start.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Magic: bytes H P S L (int32)                  |  0
 *  +---------------------------------------------------------------+
 *  |                         Version (int32)                       |  4
 *  +---------------------------------------------------------------+
 *  |              SLI fingerprint (int64, SliSpec#fingerprint)     |  8
 *  +---------------------------------------------------------------+
 *  |                      Minute slots M (int32)                   | 16
 *  +---------------------------------------------------------------+
 *  |                       Hour slots H (int32)                    | 20
 *  +---------------------------------------------------------------+
 *  |          Head minute, epoch minutes (int64; MIN = empty)      | 24
 *  +---------------------------------------------------------------+
 *  |             First minute counted (int64; MIN = empty)         | 32
 *  +---------------------------------------------------------------+
 *  |                Good events since first (int64)                | 40
 *  +---------------------------------------------------------------+
 *  |                Bad events since first (int64)                 | 48
 *  +---------------------------------------------------------------+
 *  |   Open slice: its epoch minute (int64; MIN = none)            | 56
 *  +---------------------------------------------------------------+
 *  |   Open slice: good calls so far (int64)                       | 64
 *  +---------------------------------------------------------------+
 *  |   Open slice: calls so far (int64)                            | 72
 *  +---------------------------------------------------------------+
 *  |                      reserved (int64, 0)                      | 80
 *  +===============================================================+
 *  |  M minute slots: good (int64), total (int64); slot = minute mod M | 88
 *  +---------------------------------------------------------------+
 *  |  H hour slots: good (int64), total (int64); slot = hour mod H |
 *  +---------------------------------------------------------------+
 *  |            CRC32 of every byte before it (int32)              |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The open slice fields carry a time-sliced SLO's minute in progress (its calls are judged when the
 * minute closes); they are zero for per-call SLOs.
 */
public final class SloStateDescriptor
{
    /** The bytes 'H' 'P' 'S' 'L' read as a little-endian int. */
    public static final int MAGIC = 0x4C535048;
    public static final int VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int FINGERPRINT_OFFSET = 8;
    public static final int MINUTE_SLOTS_OFFSET = 16;
    public static final int HOUR_SLOTS_OFFSET = 20;
    public static final int HEAD_MINUTE_OFFSET = 24;
    public static final int FIRST_MINUTE_OFFSET = 32;
    public static final int GOOD_EVENTS_OFFSET = 40;
    public static final int BAD_EVENTS_OFFSET = 48;
    public static final int SLICE_MINUTE_OFFSET = 56;
    public static final int SLICE_GOOD_OFFSET = 64;
    public static final int SLICE_TOTAL_OFFSET = 72;
    public static final int HEADER_LENGTH = 88;

    /** Two int64 per slot. */
    public static final int SLOT_LENGTH = 16;
    public static final int CRC_LENGTH = 4;

    /** Upper bounds a reader accepts, so a corrupt header cannot ask for gigabytes. */
    public static final int MAX_MINUTE_SLOTS = 7 * 24 * 60;
    public static final int MAX_HOUR_SLOTS = 400 * 24 + 1;

    private SloStateDescriptor()
    {
    }

    public static int minuteSlotsOffset()
    {
        return HEADER_LENGTH;
    }

    public static int hourSlotsOffset(final int minuteSlots)
    {
        return HEADER_LENGTH + minuteSlots * SLOT_LENGTH;
    }

    public static int crcOffset(final int minuteSlots, final int hourSlots)
    {
        return hourSlotsOffset(minuteSlots) + hourSlots * SLOT_LENGTH;
    }

    public static int fileLength(final int minuteSlots, final int hourSlots)
    {
        return crcOffset(minuteSlots, hourSlots) + CRC_LENGTH;
    }
}
