package io.hotpath.wire.config;

import java.util.Locale;

/**
 * The one grammar of sizes in every hotpath configuration (agent settings, {@code hotpathd.yaml}),
 * the union of the daemon's {@code 2GiB} and the agent's JVM-style {@code 8m}; see {@link Durations}
 * for durations.
 *
 * <pre>
 * size     = digits [ spaces ] [ unit ]          e.g. 4096, 512MiB, 2GiB, 8m
 * unit     = "B"                                 bytes
 *          | "KiB" | "MiB" | "GiB" | "TiB"       binary: 2^10, 2^20, 2^30, 2^40
 *          | "k" | "m" | "g" | "t"              the same, as the JVM writes -Xmx4g
 *          | "KB" | "MB" | "GB" | "TB"           decimal: 10^3, 10^6, 10^9, 10^12
 *                                                (units compare case-insensitively)
 * </pre>
 */
public final class Sizes
{
    /** Shown in errors and documentation. */
    public static final String EXPECTED = "a size such as 512MiB, 2GiB or a number of bytes (units B, KiB, MiB, GiB, TiB, "
        + "k, m, g, t; KB, MB, GB, TB are powers of 1000)";

    private Sizes()
    {
    }

    /** Parses a size in bytes (see the grammar above). */
    public static long bytes(final String text)
    {
        if (text == null || text.isBlank())
        {
            throw new IllegalArgumentException("expected " + EXPECTED + ", got an empty value");
        }
        final String value = text.trim();
        int i = 0;
        while (i < value.length() && isDigit(value.charAt(i)))
        {
            i++;
        }
        if (i == 0)
        {
            throw error(text);
        }
        final String digits = value.substring(0, i);
        final long multiplier = multiplier(value.substring(i).trim());
        if (multiplier < 0)
        {
            throw error(text);
        }
        try
        {
            return Math.multiplyExact(Long.parseLong(digits), multiplier);
        }
        catch (final NumberFormatException | ArithmeticException e)
        {
            throw new IllegalArgumentException("size '" + text + "' is too large (at most 8 EiB)");
        }
    }

    private static long multiplier(final String unit)
    {
        switch (unit.toLowerCase(Locale.ROOT))
        {
            case "", "b": return 1L;
            case "k", "kib": return 1L << 10;
            case "m", "mib": return 1L << 20;
            case "g", "gib": return 1L << 30;
            case "t", "tib": return 1L << 40;
            case "kb": return 1_000L;
            case "mb": return 1_000_000L;
            case "gb": return 1_000_000_000L;
            case "tb": return 1_000_000_000_000L;
            default: return -1;
        }
    }

    private static boolean isDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException error(final String text)
    {
        return new IllegalArgumentException("expected " + EXPECTED + ", got '" + text + "'");
    }
}
