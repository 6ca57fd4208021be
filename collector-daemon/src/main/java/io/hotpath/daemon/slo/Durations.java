package io.hotpath.daemon.slo;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written the way Prometheus writes them ({@code 100ms}, {@code 5m}, {@code 1h30m},
 * {@code 30d}, {@code 1w}), with decimals allowed for readability ({@code 0.5s}); and the reverse,
 * the shortest such spelling, used for {@code window} labels and rule names.
 */
public final class Durations
{
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d|w)");

    private Durations()
    {
    }

    /** Parses a duration, or throws {@link IllegalArgumentException} saying what is expected. */
    public static Duration parse(final String text)
    {
        final String trimmed = text.trim();
        final Matcher matcher = PART.matcher(trimmed);
        double nanos = 0;
        int position = 0;
        while (position < trimmed.length())
        {
            if (!matcher.find(position) || matcher.start() != position)
            {
                throw new IllegalArgumentException(
                    "expected a duration such as 100ms, 30s, 5m, 1h, 30d (units ms, s, m, h, d, w), got \"" + text + '"');
            }
            nanos += Double.parseDouble(matcher.group(1)) * unitNanos(matcher.group(2));
            position = matcher.end();
        }
        if (trimmed.isEmpty())
        {
            throw new IllegalArgumentException("expected a duration such as 100ms, 30s, 5m, 1h, 30d, got an empty value");
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    /** Shortest Prometheus spelling with one unit when one divides exactly: 5m, 1h, 30d, 1500ms. */
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

    private static double unitNanos(final String unit)
    {
        return switch (unit)
        {
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            case "h" -> 3600e9;
            case "d" -> 86400e9;
            case "w" -> 7 * 86400e9;
            default -> throw new IllegalArgumentException(unit);
        };
    }
}
