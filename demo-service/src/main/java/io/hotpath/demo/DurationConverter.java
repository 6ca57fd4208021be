package io.hotpath.demo;

import java.time.Duration;
import java.util.Locale;

import picocli.CommandLine;

/** {@code 30s}, {@code 250ms}, {@code 2m} or ISO-8601 {@code PT30S}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration>
{
    @Override
    public Duration convert(final String value)
    {
        final String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("pt"))
        {
            return Duration.parse(value);
        }
        if (v.endsWith("ms"))
        {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("s"))
        {
            return Duration.ofMillis((long)(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
        }
        if (v.endsWith("m"))
        {
            return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
        }
        throw new CommandLine.TypeConversionException("expected a duration like 30s, 250ms, 2m or PT30S, got '" + value + "'");
    }
}
