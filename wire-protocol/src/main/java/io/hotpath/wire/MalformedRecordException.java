package io.hotpath.wire;

/**
 * A record is truncated, out of bounds or inconsistent. The only exception the decoders throw for
 * bad bytes (besides {@link UnsupportedFormatException} for a stream of another format).
 *
 * <p>{@link #offset()} is the byte offset, relative to the buffer handed to the decoder, of the
 * field that failed validation; {@link #reason()} is a short stable token suitable as a metric
 * label ({@code truncated}, {@code bad_length}, {@code bad_value}, ...).
 */
public class MalformedRecordException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public static final String TRUNCATED = "truncated";
    public static final String BAD_LENGTH = "bad_length";
    public static final String BAD_VALUE = "bad_value";
    public static final String WRONG_TYPE = "wrong_type";

    private final int offset;
    private final String reason;

    public MalformedRecordException(final String reason, final int offset, final String detail)
    {
        super(detail + " (at offset " + offset + ", reason=" + reason + ")");
        this.reason = reason;
        this.offset = offset;
    }

    public int offset()
    {
        return offset;
    }

    public String reason()
    {
        return reason;
    }
}
