package io.hotpath.wire;

import java.util.Locale;

/** What a series measures; the code is its byte on the wire. */
public enum MetricKind
{
    CUSTOM(0),
    TRANSPORT(1),
    P2P(2),
    MIGRATION(3);

    private static final MetricKind[] BY_CODE = { CUSTOM, TRANSPORT, P2P, MIGRATION };

    private final int code;

    MetricKind(final int code)
    {
        this.code = code;
    }

    public int code()
    {
        return code;
    }

    /** The lower-case name used in configs and labels ({@code transport}, {@code p2p}, ...). */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the kind for a wire code, or {@code null} if the code is unknown. */
    public static MetricKind fromCode(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** Parses a config name case-insensitively; {@code null} if unknown. */
    public static MetricKind fromLabel(final String label)
    {
        for (final MetricKind kind : BY_CODE)
        {
            if (kind.name().equalsIgnoreCase(label))
            {
                return kind;
            }
        }
        return null;
    }
}
