package io.hotpath.daemon.detect;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A series read from a {@code timestamp,value[,label]} CSV for the backtest. Timestamps are epoch
 * seconds (decimals allowed), epoch milliseconds (integers from 10^11 on), ISO-8601 with or without
 * a zone ({@code 2026-01-01T00:00:00Z}, {@code 2026-01-01T01:00:00+01:00}, {@code 2026-01-01T00:00:00})
 * or {@code YYYY-MM-DD HH:MM:SS[.fff]}; a time without a zone is UTC. They mark the start of each
 * interval. Rows are replayed in file order, one interval each: a timestamp equal to the previous
 * row's (a DST hour written twice) or earlier than it is kept and counted
 * ({@link #repeatedTimestamps()}, {@link #outOfOrderTimestamps()}), not rejected. A value may be empty or {@code NaN}
 * (no data in that interval). The optional label is {@code 1}/{@code true} for points inside a
 * known anomaly, {@code 0}/{@code false}/empty otherwise. A first line that is not data is a header;
 * blank lines and lines starting with {@code #} are skipped. Errors name the file, line and column.
 *
 * <p>Over 400 lines because it is one parser: the five timestamp forms, the header, label and
 * no-data rules and their error messages belong together.
 */
public final class CsvSeries
{
    /** Timestamps at or above this are milliseconds (10^11 s is the year 5138). */
    private static final double MILLIS_FROM = 1e11;

    private final String name;
    private final long[] times;
    private final double[] values;
    private final boolean[] labels;
    private final boolean labelled;
    private final int repeated;
    private final int outOfOrder;

    private CsvSeries(
        final String name, final long[] times, final double[] values, final boolean[] labels, final boolean labelled,
        final int repeated, final int outOfOrder)
    {
        this.name = name;
        this.times = times;
        this.values = values;
        this.labels = labels;
        this.labelled = labelled;
        this.repeated = repeated;
        this.outOfOrder = outOfOrder;
    }

    /** Bad input: the message names source, line and column. */
    public static final class CsvException extends Exception
    {
        private static final long serialVersionUID = 1L;

        public CsvException(final String source, final int line, final int column, final String columnName,
            final String problem)
        {
            super(source + ':' + line + (column > 0 ? ": column " + column + " (" + columnName + ")" : "") + ": " + problem);
        }

        CsvException(final String message)
        {
            super(message);
        }
    }

    public static CsvSeries read(final Path file) throws IOException, CsvException
    {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            return read(reader, file.getFileName().toString());
        }
    }

    public static CsvSeries read(final Reader source, final String name) throws IOException, CsvException
    {
        final BufferedReader reader = source instanceof BufferedReader buffered ? buffered : new BufferedReader(source);
        final List<Long> times = new ArrayList<>();
        final List<Double> values = new ArrayList<>();
        final List<Boolean> labels = new ArrayList<>();
        boolean labelled = false;
        int repeated = 0;
        int outOfOrder = 0;
        boolean firstRow = true;
        int columns = -1;
        int lineNumber = 0;
        String line;
        while ((line = reader.readLine()) != null)
        {
            lineNumber++;
            final String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#"))
            {
                continue;
            }
            final String[] fields = trimmed.split(",", -1);
            if (firstRow)
            {
                firstRow = false;
                if (parseTimestamp(fields[0].strip()) == null)
                {
                    if (fields.length < 2 || fields.length > 3)
                    {
                        throw new CsvException(name, lineNumber, 0, "",
                            "header must name 2 or 3 columns (timestamp,value[,label]), found " + fields.length);
                    }
                    columns = fields.length;
                    labelled = columns == 3;
                    continue;
                }
            }
            if (columns < 0)
            {
                columns = fields.length;
                labelled = columns == 3;
            }
            if (fields.length != columns || columns < 2 || columns > 3)
            {
                throw new CsvException(name, lineNumber, 0, "",
                    "expected " + (columns == 3 ? "3 columns (timestamp,value,label)" : "2 columns (timestamp,value)")
                        + ", found " + fields.length);
            }
            final Long time = parseTimestamp(fields[0].strip());
            if (time == null)
            {
                throw new CsvException(name, lineNumber, 1, "timestamp",
                    TIMESTAMP_FORMATS + ", got \"" + fields[0].strip() + '"');
            }
            if (!times.isEmpty())
            {
                final long previous = times.get(times.size() - 1);
                repeated += time == previous ? 1 : 0;
                outOfOrder += time < previous ? 1 : 0;
            }
            final String valueText = fields[1].strip();
            final double value;
            if (valueText.isEmpty() || valueText.equals("NaN"))
            {
                value = Double.NaN;
            }
            else
            {
                try
                {
                    value = Double.parseDouble(valueText);
                }
                catch (final NumberFormatException e)
                {
                    throw new CsvException(name, lineNumber, 2, "value",
                        "expected a number (or empty for no data), got \"" + valueText + '"');
                }
                if (Double.isInfinite(value))
                {
                    throw new CsvException(name, lineNumber, 2, "value", "expected a finite number, got " + valueText);
                }
            }
            boolean label = false;
            if (labelled)
            {
                final String labelText = fields[2].strip();
                label = switch (labelText)
                {
                    case "1", "true", "TRUE", "True" -> true;
                    case "0", "false", "FALSE", "False", "" -> false;
                    default -> throw new CsvException(name, lineNumber, 3, "label",
                        "expected 1 or 0 (true or false), got \"" + labelText + '"');
                };
            }
            times.add(time);
            values.add(value);
            labels.add(label);
        }
        if (times.isEmpty())
        {
            throw new CsvException(name + ": no data rows");
        }
        final long[] timeArray = times.stream().mapToLong(Long::longValue).toArray();
        final double[] valueArray = values.stream().mapToDouble(Double::doubleValue).toArray();
        final boolean[] labelArray = new boolean[labels.size()];
        for (int i = 0; i < labelArray.length; i++)
        {
            labelArray[i] = labels.get(i);
        }
        return new CsvSeries(name, timeArray, valueArray, labelArray, labelled, repeated, outOfOrder);
    }

    static final String TIMESTAMP_FORMATS =
        "expected epoch seconds, epoch milliseconds, ISO-8601 (zone optional) or YYYY-MM-DD HH:MM:SS";

    /** ISO-8601 date-time without a zone, with a 'T' or a space between date and time: taken as UTC. */
    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
        .append(DateTimeFormatter.ISO_LOCAL_DATE)
        .optionalStart().appendLiteral('T').optionalEnd()
        .optionalStart().appendLiteral(' ').optionalEnd()
        .append(DateTimeFormatter.ISO_LOCAL_TIME)
        .toFormatter(Locale.ROOT);

    /** Epoch milliseconds, or null when the text is no timestamp. */
    static Long parseTimestamp(final String text)
    {
        if (text.isEmpty())
        {
            return null;
        }
        final char first = text.charAt(0);
        if (Character.isDigit(first) && text.indexOf('-') < 0 && text.indexOf(':') < 0)
        {
            try
            {
                final double number = Double.parseDouble(text);
                if (!Double.isFinite(number) || number < 0)
                {
                    return null;
                }
                return number >= MILLIS_FROM ? Math.round(number) : Math.round(number * 1000.0);
            }
            catch (final NumberFormatException e)
            {
                return null;
            }
        }
        try
        {
            return Instant.parse(text).toEpochMilli();
        }
        catch (final DateTimeParseException e)
        {
            try
            {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            }
            catch (final DateTimeParseException e2)
            {
                return parseLocal(text);
            }
        }
    }

    private static Long parseLocal(final String text)
    {
        try
        {
            return LocalDateTime.parse(text, LOCAL).toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        catch (final DateTimeParseException e)
        {
            // "2026-01-01 00:00:00+01:00": a zone after a space-separated time
            try
            {
                return OffsetDateTime.parse(text.replace(' ', 'T')).toInstant().toEpochMilli();
            }
            catch (final DateTimeParseException e2)
            {
                return null;
            }
        }
    }

    /** Rows whose timestamp equals the previous row's (kept: replayed as their own interval). */
    public int repeatedTimestamps()
    {
        return repeated;
    }

    /** Rows whose timestamp is before the previous row's (kept in file order). */
    public int outOfOrderTimestamps()
    {
        return outOfOrder;
    }

    public String name()
    {
        return name;
    }

    public int size()
    {
        return times.length;
    }

    public long time(final int index)
    {
        return times[index];
    }

    public double value(final int index)
    {
        return values[index];
    }

    /** Whether the CSV had a label column. */
    public boolean labelled()
    {
        return labelled;
    }

    public boolean label(final int index)
    {
        return labels[index];
    }

    /**
     * The typical spacing of the rows: the median of the positive differences of consecutive
     * timestamps (1000 for one row or none positive).
     */
    public long stepMillis()
    {
        final long[] diffs = new long[Math.max(0, times.length - 1)];
        int n = 0;
        for (int i = 1; i < times.length; i++)
        {
            if (times[i] > times[i - 1])
            {
                diffs[n++] = times[i] - times[i - 1];
            }
        }
        if (n == 0)
        {
            return 1000;
        }
        Arrays.sort(diffs, 0, n);
        return diffs[n / 2];
    }

    /** The labelled anomalies: each run of labelled rows as a window [first row, last row + step). */
    public List<LabelWindow> labelWindows()
    {
        final List<LabelWindow> windows = new ArrayList<>();
        final long step = stepMillis();
        int runStart = -1;
        for (int i = 0; i <= times.length; i++)
        {
            final boolean inRun = i < times.length && labels[i];
            if (inRun && runStart < 0)
            {
                runStart = i;
            }
            else if (!inRun && runStart >= 0)
            {
                windows.add(new LabelWindow(times[runStart], times[i - 1] + step));
                runStart = -1;
            }
        }
        return windows;
    }

    /** A known anomaly, [start, end) in epoch milliseconds. */
    public record LabelWindow(long startMillis, long endMillis)
    {
    }

    /**
     * Reads a labels file: one anomaly per line as {@code start,end} (end exclusive) or a single
     * {@code timestamp} (one step long), timestamps as in the series; optional header, # comments.
     */
    public static List<LabelWindow> readLabels(final Path file, final long stepMillis) throws IOException, CsvException
    {
        final String name = file.getFileName().toString();
        final List<LabelWindow> windows = new ArrayList<>();
        int lineNumber = 0;
        boolean firstRow = true;
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
        {
            lineNumber++;
            final String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#"))
            {
                continue;
            }
            final String[] fields = trimmed.split(",", -1);
            final boolean header = firstRow && parseTimestamp(fields[0].strip()) == null;
            firstRow = false;
            if (header)
            {
                continue;
            }
            if (fields.length > 2)
            {
                throw new CsvException(name, lineNumber, 0, "", "expected start,end or a single timestamp, found "
                    + fields.length + " columns");
            }
            final Long start = parseTimestamp(fields[0].strip());
            if (start == null)
            {
                throw new CsvException(name, lineNumber, 1, "start",
                    TIMESTAMP_FORMATS + ", got \"" + fields[0].strip() + '"');
            }
            long end = start + stepMillis;
            if (fields.length == 2)
            {
                final Long parsedEnd = parseTimestamp(fields[1].strip());
                if (parsedEnd == null)
                {
                    throw new CsvException(name, lineNumber, 2, "end",
                        TIMESTAMP_FORMATS + ", got \"" + fields[1].strip() + '"');
                }
                if (parsedEnd <= start)
                {
                    throw new CsvException(name, lineNumber, 2, "end", "end must be after start");
                }
                end = parsedEnd;
            }
            windows.add(new LabelWindow(start, end));
        }
        return windows;
    }
}
