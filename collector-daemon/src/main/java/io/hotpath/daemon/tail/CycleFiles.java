package io.hotpath.daemon.tail;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import java.time.DateTimeException;

/**
 * The cycle files of one queue, named as Chronicle names them for its roll cycle (e.g.
 * {@code 20261123-11F.cq4} for {@code FAST_HOURLY}): cycle number ↔ file name, and the files present
 * on disk. Read straight from the directory rather than through Chronicle's cached directory
 * listing, which does not expect files to disappear (the agent's size cap deletes the oldest ones;
 * retention deletes fully read ones).
 */
final class CycleFiles
{
    private final RollCycle rollCycle;
    private final DateTimeFormatter formatter;
    private final DateTimeFormatter parser;
    private final Map<String, Integer> parsed = new HashMap<>();

    CycleFiles(final RollCycle rollCycle)
    {
        this.rollCycle = rollCycle;
        this.formatter = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
        this.parser = new DateTimeFormatterBuilder().appendPattern(rollCycle.format())
            .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
            .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
            .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0)
            .toFormatter()
            .withZone(ZoneOffset.UTC);
    }

    RollCycle rollCycle()
    {
        return rollCycle;
    }

    int cycleOf(final long index)
    {
        return rollCycle.toCycle(index);
    }

    String name(final int cycle)
    {
        return formatter.format(Instant.ofEpochMilli((long)cycle * rollCycle.lengthInMillis())) + SingleChronicleQueue.SUFFIX;
    }

    /** The cycle a file name stands for, or -1 when it is not a cycle file of this roll cycle. */
    int cycle(final String fileName)
    {
        if (!fileName.endsWith(SingleChronicleQueue.SUFFIX))
        {
            return -1;
        }
        try
        {
            final Instant start = Instant.from(parser.parse(fileName.substring(0, fileName.length() - SingleChronicleQueue.SUFFIX.length())));
            return (int)Math.floorDiv(start.toEpochMilli(), (long)rollCycle.lengthInMillis());
        }
        catch (final DateTimeException e)
        {
            return -1;
        }
    }

    private static boolean cq4(final Path entry)
    {
        return entry.getFileName().toString().endsWith(SingleChronicleQueue.SUFFIX);
    }

    /** {@link #cycle}, remembered by name (a queue has a few dozen cycle files at most; the memo is cleared past 1 024). */
    private int parsedCycle(final String fileName)
    {
        final Integer known = parsed.get(fileName);
        if (known != null)
        {
            return known;
        }
        if (parsed.size() >= 1024)
        {
            parsed.clear();
        }
        final int cycle = cycle(fileName);
        parsed.put(fileName, cycle);
        return cycle;
    }

    /**
     * A file of {@code directory} named like a cycle file but not one of this roll cycle (a queue
     * written in another roll cycle), or {@code null}.
     */
    String foreign(final Path directory)
    {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*" + SingleChronicleQueue.SUFFIX))
        {
            for (final Path entry : entries)
            {
                if (cycle(entry.getFileName().toString()) < 0)
                {
                    return entry.getFileName().toString();
                }
            }
        }
        catch (final IOException e)
        {
            // Directory gone: nothing foreign.
        }
        return null;
    }

    /** Cycle files present in {@code directory}, by cycle. */
    NavigableMap<Integer, Path> list(final Path directory)
    {
        final NavigableMap<Integer, Path> files = new TreeMap<>();
        // A suffix test rather than a glob (compiled to a regex per listing), names parsed once: a listing per queue upkeep.
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, CycleFiles::cq4))
        {
            for (final Path entry : entries)
            {
                final int cycle = parsedCycle(entry.getFileName().toString());
                if (cycle >= 0)
                {
                    files.put(cycle, entry);
                }
            }
        }
        catch (final IOException e)
        {
            // Directory gone: no files.
        }
        return files;
    }
}
