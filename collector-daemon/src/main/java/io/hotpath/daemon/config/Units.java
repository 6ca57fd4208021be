package io.hotpath.daemon.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.net.URI;
import java.net.URISyntaxException;

/** Parses the config's human units: durations ({@code 500ms}, {@code 1s}, {@code 7d}), sizes ({@code 2GiB}) and http(s) URLs. */
public final class Units
{
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|TiB|KB|MB|GB|TB)?");

    private Units()
    {
    }

    /** Milliseconds of a duration like {@code 250ms}, {@code 15s}, {@code 5m}, {@code 2h}, {@code 7d}. */
    public static long durationMillis(final String text)
    {
        final Matcher matcher = DURATION.matcher(text.trim());
        if (!matcher.matches())
        {
            throw new IllegalArgumentException("expected a duration such as 500ms, 15s, 5m, 2h or 7d, got '" + text + "'");
        }
        final long value = Long.parseLong(matcher.group(1));
        switch (matcher.group(2))
        {
            case "ms": return value;
            case "s": return value * 1000L;
            case "m": return value * 60_000L;
            case "h": return value * 3_600_000L;
            default: return value * 86_400_000L;
        }
    }

    /** Bytes of a size like {@code 512MiB}, {@code 2GiB} or a plain byte count. */
    public static long sizeBytes(final String text)
    {
        final Matcher matcher = SIZE.matcher(text.trim());
        if (!matcher.matches())
        {
            throw new IllegalArgumentException("expected a size such as 512MiB or 2GiB, got '" + text + "'");
        }
        final long value = Long.parseLong(matcher.group(1));
        final String unit = matcher.group(2) == null ? "B" : matcher.group(2);
        switch (unit.toUpperCase(Locale.ROOT))
        {
            case "KIB": return value << 10;
            case "MIB": return value << 20;
            case "GIB": return value << 30;
            case "TIB": return value << 40;
            case "KB": return value * 1_000L;
            case "MB": return value * 1_000_000L;
            case "GB": return value * 1_000_000_000L;
            case "TB": return value * 1_000_000_000_000L;
            default: return value;
        }
    }

    /**
     * An absolute http or https URL with a host; {@code example} (or null) is shown in the error,
     * e.g. {@code http://127.0.0.1:9091}.
     */
    public static URI httpUrl(final String value, final String example)
    {
        try
        {
            final URI uri = new URI(value);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null)
            {
                throw new IllegalArgumentException("expected an http(s) URL" + (example == null ? "" : " such as " + example) +
                    ", got '" + value + "'");
            }
            return uri;
        }
        catch (final URISyntaxException e)
        {
            throw new IllegalArgumentException("not a URL: '" + value + "'");
        }
    }
}
