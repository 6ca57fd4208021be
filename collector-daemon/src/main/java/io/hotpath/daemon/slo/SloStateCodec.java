package io.hotpath.daemon.slo;

import static io.hotpath.daemon.slo.SloStateDescriptor.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * Encodes and decodes one SLO's counters in the {@link SloStateDescriptor} layout: the bytes
 * {@link SloEngine#captureState} hands to the daemon's checkpoint and {@link SloEngine#restoreState}
 * reads back. Decoding validates magic, version, sizes and the CRC and throws
 * {@link IllegalArgumentException} on any mismatch, so the engine can start that SLO afresh.
 */
public final class SloStateCodec
{
    /** The persisted state of one SLO. */
    public record State(
        long fingerprint, SloCounters counters, long sliceMinute, long sliceGoodCalls, long sliceTotalCalls)
    {
    }

    private SloStateCodec()
    {
    }

    public static byte[] encode(final State state)
    {
        final SloCounters counters = state.counters();
        final int minuteSlots = counters.minuteSlots();
        final int hourSlots = counters.hourSlots();
        final ByteBuffer buffer = ByteBuffer.allocate(fileLength(minuteSlots, hourSlots)).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(MAGIC_OFFSET, MAGIC);
        buffer.putInt(VERSION_OFFSET, VERSION);
        buffer.putLong(FINGERPRINT_OFFSET, state.fingerprint());
        buffer.putInt(MINUTE_SLOTS_OFFSET, minuteSlots);
        buffer.putInt(HOUR_SLOTS_OFFSET, hourSlots);
        buffer.putLong(HEAD_MINUTE_OFFSET, counters.headMinute());
        buffer.putLong(FIRST_MINUTE_OFFSET, counters.firstMinute());
        buffer.putLong(GOOD_EVENTS_OFFSET, counters.goodEvents());
        buffer.putLong(BAD_EVENTS_OFFSET, counters.badEvents());
        buffer.putLong(SLICE_MINUTE_OFFSET, state.sliceMinute());
        buffer.putLong(SLICE_GOOD_OFFSET, state.sliceGoodCalls());
        buffer.putLong(SLICE_TOTAL_OFFSET, state.sliceTotalCalls());
        int offset = minuteSlotsOffset();
        for (int i = 0; i < minuteSlots; i++, offset += SLOT_LENGTH)
        {
            buffer.putLong(offset, counters.minuteGood()[i]);
            buffer.putLong(offset + 8, counters.minuteTotal()[i]);
        }
        offset = hourSlotsOffset(minuteSlots);
        for (int i = 0; i < hourSlots; i++, offset += SLOT_LENGTH)
        {
            buffer.putLong(offset, counters.hourGood()[i]);
            buffer.putLong(offset + 8, counters.hourTotal()[i]);
        }
        final int crcOffset = crcOffset(minuteSlots, hourSlots);
        final CRC32 crc = new CRC32();
        crc.update(buffer.array(), 0, crcOffset);
        buffer.putInt(crcOffset, (int)crc.getValue());
        return buffer.array();
    }

    /**
     * Decodes a state, or throws {@link IllegalArgumentException} saying what is wrong. The result
     * has {@code hourSlots} hour slots: when the file has another number (the longest window
     * changed), the most recent hours that fit are kept.
     */
    public static State decode(final byte[] bytes, final int hourSlots)
    {
        if (bytes.length < HEADER_LENGTH + CRC_LENGTH)
        {
            throw new IllegalArgumentException("truncated: " + bytes.length + " bytes");
        }
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (buffer.getInt(MAGIC_OFFSET) != MAGIC)
        {
            throw new IllegalArgumentException("not an SLO state file (bad magic)");
        }
        final int version = buffer.getInt(VERSION_OFFSET);
        if (version != VERSION)
        {
            throw new IllegalArgumentException("unsupported version " + version + " (this daemon reads " + VERSION + ")");
        }
        final int fileMinuteSlots = buffer.getInt(MINUTE_SLOTS_OFFSET);
        final int fileHourSlots = buffer.getInt(HOUR_SLOTS_OFFSET);
        if (fileMinuteSlots < 1 || fileMinuteSlots > MAX_MINUTE_SLOTS || fileHourSlots < 1 || fileHourSlots > MAX_HOUR_SLOTS)
        {
            throw new IllegalArgumentException("bad slot counts " + fileMinuteSlots + "/" + fileHourSlots);
        }
        if (bytes.length != fileLength(fileMinuteSlots, fileHourSlots))
        {
            throw new IllegalArgumentException("length " + bytes.length + " does not match its header ("
                + fileLength(fileMinuteSlots, fileHourSlots) + ")");
        }
        final int crcOffset = crcOffset(fileMinuteSlots, fileHourSlots);
        final CRC32 crc = new CRC32();
        crc.update(bytes, 0, crcOffset);
        if ((int)crc.getValue() != buffer.getInt(crcOffset))
        {
            throw new IllegalArgumentException("checksum mismatch");
        }
        final SloCounters counters = new SloCounters(fileMinuteSlots, hourSlots);
        int offset = minuteSlotsOffset();
        for (int i = 0; i < fileMinuteSlots; i++, offset += SLOT_LENGTH)
        {
            counters.minuteGood()[i] = buffer.getLong(offset);
            counters.minuteTotal()[i] = buffer.getLong(offset + 8);
        }
        final long headMinute = buffer.getLong(HEAD_MINUTE_OFFSET);
        final long headHour = headMinute == SloCounters.EMPTY ? 0 : Math.floorDiv(headMinute, 60);
        offset = hourSlotsOffset(fileMinuteSlots);
        // Re-slot the hours: slot = hour mod slots, so a different ring size moves them.
        for (int back = 0; back < Math.min(fileHourSlots, hourSlots); back++)
        {
            final long hour = headHour - back;
            final int from = (int)Math.floorMod(hour, (long)fileHourSlots);
            final int to = (int)Math.floorMod(hour, (long)hourSlots);
            counters.hourGood()[to] = buffer.getLong(offset + from * SLOT_LENGTH);
            counters.hourTotal()[to] = buffer.getLong(offset + from * SLOT_LENGTH + 8);
        }
        counters.restore(headMinute, buffer.getLong(FIRST_MINUTE_OFFSET), buffer.getLong(GOOD_EVENTS_OFFSET),
            buffer.getLong(BAD_EVENTS_OFFSET));
        return new State(buffer.getLong(FINGERPRINT_OFFSET), counters, buffer.getLong(SLICE_MINUTE_OFFSET),
            buffer.getLong(SLICE_GOOD_OFFSET), buffer.getLong(SLICE_TOTAL_OFFSET));
    }
}
