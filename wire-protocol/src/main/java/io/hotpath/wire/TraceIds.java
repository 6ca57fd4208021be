package io.hotpath.wire;

/** W3C trace-context text forms of the trace and span ids carried by samples. */
public final class TraceIds
{
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TraceIds()
    {
    }

    /** 32 lower-case hex digits, high half first. */
    public static String traceIdHex(final long high, final long low)
    {
        final char[] chars = new char[32];
        putHex(chars, 0, high);
        putHex(chars, 16, low);
        return new String(chars);
    }

    /** 16 lower-case hex digits. */
    public static String spanIdHex(final long spanId)
    {
        final char[] chars = new char[16];
        putHex(chars, 0, spanId);
        return new String(chars);
    }

    /** Parses 16 hex digits of {@code hex} starting at {@code from}; no allocation. */
    public static long parseHex16(final CharSequence hex, final int from)
    {
        long value = 0;
        for (int i = from; i < from + 16; i++)
        {
            value = (value << 4) | Character.digit(hex.charAt(i), 16);
        }
        return value;
    }

    private static void putHex(final char[] chars, final int at, final long value)
    {
        for (int i = 0; i < 16; i++)
        {
            chars[at + i] = HEX[(int)(value >>> (60 - 4 * i)) & 0xF];
        }
    }
}
