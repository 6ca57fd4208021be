package io.hotpath.wire.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * The one grammar of durations in every hotpath configuration ({@link Sizes} has the one of sizes):
 * the agent's settings, {@code hotpathd.yaml}, SLO and anomaly files, command-line flags. Both sides
 * depend on this module, so a value that one side accepts the other accepts too.
 *
 * <pre>
 * duration = part { part }                      e.g. 500ms, 15s, 5m, 2h, 7d, 1w, 1h30m, 0.5s
 * part     = number [ spaces ] unit
 * number   = digits [ "." digits ]
 * unit     = "ms" | "s" | "m" | "h" | "d" | "w"  (d = 24 h, w = 7 d; the parts are added up)
 * </pre>
 *
 * This is the union of the two duration grammars hotpath had before (the daemon's {@code 15s},
 * {@code 5 m}; the SLO files' Prometheus-style {@code 1h30m}, {@code 0.5s}, {@code 1w}), so every file
 * written for an older release still reads the same. Errors are {@link IllegalArgumentException}s that say what was expected;
 * callers add file, line and field.
 */
public final class Durations
{
    /** Shown in errors and documentation. */
    public static final String EXPECTED = "a duration such as 500ms, 15s, 5m, 2h, 7d or 1h30m (units ms, s, m, h, d, w)";

    private static final String[] UNITS = {"w", "d", "h", "m", "s", "ms"};
    private static final long[] UNIT_NANOS = {
        7 * 86_400_000_000_000L, 86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L};
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private Durations()
    {
    }

    /** Parses a duration (see the grammar above); rounds to the nanosecond. */
    public static Duration parse(final String text)
    {
        if (text == null || text.isBlank())
        {
            throw new IllegalArgumentException("expected " + EXPECTED + ", got an empty value");
        }
        final String value = text.trim();
        BigDecimal nanos = BigDecimal.ZERO;
        int i = 0;
        while (i < value.length())
        {
            final int numberStart = i;
            while (i < value.length() && isDigit(value.charAt(i)))
            {
                i++;
            }
            if (i < value.length() && value.charAt(i) == '.' && i > numberStart)
            {
                i++;
                final int fractionStart = i;
                while (i < value.length() && isDigit(value.charAt(i)))
                {
                    i++;
                }
                if (i == fractionStart)
                {
                    throw error(text, "digits after the decimal point");
                }
            }
            if (i == numberStart)
            {
                throw error(text, null);
            }
            final BigDecimal number = new BigDecimal(value.substring(numberStart, i));
            while (i < value.length() && Character.isWhitespace(value.charAt(i)))
            {
                i++;
            }
            final int unitStart = i;
            while (i < value.length() && Character.isLetter(value.charAt(i)))
            {
                i++;
            }
            final int unit = unit(value.substring(unitStart, i));
            if (unit < 0)
            {
                throw error(text, unitStart == i ? "a unit after " + number.toPlainString() : null);
            }
            nanos = nanos.add(number.multiply(BigDecimal.valueOf(UNIT_NANOS[unit])));
            if (nanos.compareTo(MAX_NANOS) > 0)
            {
                throw new IllegalArgumentException("duration '" + text + "' is too long (at most about 292 years)");
            }
        }
        return Duration.ofNanos(nanos.setScale(0, RoundingMode.HALF_UP).longValueExact());
    }

    /** {@link #parse} in whole milliseconds (rounded down: {@code 0.5ms} is 0). */
    public static long millis(final String text)
    {
        return parse(text).toMillis();
    }

    /**
     * The shortest spelling with one unit that divides the duration exactly ({@code 5m}, {@code 1h},
     * {@code 30d}, {@code 1500ms}), as Prometheus writes windows; {@code 0s} for zero or less.
     */
    public static String format(final Duration duration)
    {
        final long millis = duration.toMillis();
        if (millis <= 0)
        {
            return "0s";
        }
        final long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        final String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++)
        {
            if (millis % units[i] == 0)
            {
                return (millis / units[i]) + names[i];
            }
        }
        return millis + "ms";
    }

    private static int unit(final String unit)
    {
        for (int i = 0; i < UNITS.length; i++)
        {
            if (UNITS[i].equals(unit))
            {
                return i;
            }
        }
        return -1;
    }

    private static boolean isDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException error(final String text, final String detail)
    {
        return new IllegalArgumentException("expected " + EXPECTED + (detail == null ? "" : ", with " + detail)
            + ", got '" + text + "'");
    }
}
