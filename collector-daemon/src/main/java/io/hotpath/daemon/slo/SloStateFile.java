package io.hotpath.daemon.slo;

import static io.hotpath.daemon.slo.SloStateDescriptor.*;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * Reads and writes SLO state files ({@link SloStateDescriptor}). Writes are atomic: the bytes go
 * to a temporary file in the same directory, are forced to disk, and the file is renamed over the
 * old one, so a crash leaves either the old state or the new, never a torn one. Reads validate
 * magic, version, sizes and the CRC; a file that fails is moved aside to {@code *.corrupt} and
 * the SLO starts afresh (logged), rather than the daemon refusing to start.
 */
public final class SloStateFile
{
    private static final Logger LOG = Logger.getLogger(SloStateFile.class.getName());

    /** The persisted state of one SLO. */
    public record State(
        long fingerprint, SloCounters counters, long sliceMinute, long sliceGoodCalls, long sliceTotalCalls)
    {
    }

    private SloStateFile()
    {
    }

    public static Path path(final Path stateDir, final String sloName)
    {
        return stateDir.resolve(sloName + ".slo-state");
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

    /** Writes {@code bytes} to {@code file} atomically (temporary file, force, rename). */
    public static void writeAtomically(final Path file, final byte[] bytes) throws IOException
    {
        final Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary,
            StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING))
        {
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining())
            {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try
        {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final AtomicMoveNotSupportedException e)
        {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(file.toAbsolutePath().getParent());
    }

    /**
     * Loads the state of an SLO, or returns null when there is none to use: no file, a corrupt one
     * (moved aside to {@code *.corrupt}), or one counting a different SLI (kept aside as
     * {@code *.previous}). Each case but the first is logged.
     */
    public static State load(final Path file, final long fingerprint, final int hourSlots)
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final NoSuchFileException e)
        {
            return null;
        }
        catch (final IOException e)
        {
            LOG.log(Level.WARNING, "cannot read SLO state " + file + ", starting afresh: " + e);
            return null;
        }
        final State state;
        try
        {
            state = decode(bytes, hourSlots);
        }
        catch (final IllegalArgumentException e)
        {
            moveAside(file, ".corrupt");
            LOG.log(Level.WARNING, "SLO state " + file + " is unusable (" + e.getMessage() + "); moved to *.corrupt, "
                + "starting afresh");
            return null;
        }
        if (state.fingerprint() != fingerprint)
        {
            moveAside(file, ".previous");
            LOG.log(Level.WARNING, "SLO state " + file + " counted a different SLI (its metric, labels, threshold "
                + "or percentile changed); kept as *.previous, starting a new error budget");
            return null;
        }
        return state;
    }

    private static void moveAside(final Path file, final String suffix)
    {
        try
        {
            Files.move(file, file.resolveSibling(file.getFileName() + suffix), StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException e)
        {
            LOG.log(Level.WARNING, "cannot move " + file + " aside: " + e);
        }
    }

    private static void forceDirectory(final Path directory)
    {
        // Makes the rename durable on Linux; other systems may refuse to open a directory.
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException | RuntimeException e)
        {
            // Best effort.
        }
    }
}
