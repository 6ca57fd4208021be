package io.hotpath.wire;

/**
 * A stream is not a hotpath stream (wrong magic) or was written in a newer, incompatible major
 * version. The message names the source (a queue directory or a peer address) and the versions.
 */
public class UnsupportedFormatException extends MalformedRecordException
{
    private static final long serialVersionUID = 1L;

    public static final String BAD_MAGIC = "bad_magic";
    public static final String UNSUPPORTED_VERSION = "unsupported_version";

    private final String source;

    public UnsupportedFormatException(final String reason, final String source, final int offset, final String detail)
    {
        super(reason, offset, source + ": " + detail);
        this.source = source;
    }

    public String source()
    {
        return source;
    }
}
