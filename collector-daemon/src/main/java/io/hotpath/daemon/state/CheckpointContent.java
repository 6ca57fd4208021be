package io.hotpath.daemon.state;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Whether two serialized checkpoints hold the same state, their {@code writtenAtEpochMillis} aside:
 * an idle daemon's checkpoint does not change from one second to the next, and rewriting it (temp
 * file, two fsyncs, rename) every second was a fifth of its idle CPU. Bytes only, so that it holds
 * whatever the checkpoint's classes become; when the stamp is not where it is expected, the bytes
 * must be equal as a whole (never "same" by mistake).
 */
public final class CheckpointContent
{
    private static final byte[] STAMP_KEY = "\"writtenAtEpochMillis\":".getBytes(StandardCharsets.US_ASCII);
    /** The stamp is the second field; it is looked for near the start only. */
    private static final int SEARCH_LIMIT = 128;

    private CheckpointContent()
    {
    }

    /** True when {@code a} and {@code b} are equal except for the digits of their write stamps; false when either is null. */
    public static boolean sameExceptStamp(final byte[] a, final byte[] b)
    {
        if (a == null || b == null)
        {
            return false;
        }
        final int keyA = indexOfKey(a);
        final int keyB = indexOfKey(b);
        if (keyA < 0 || keyB < 0 || keyA != keyB)
        {
            return Arrays.equals(a, b);
        }
        final int endA = endOfNumber(a, keyA + STAMP_KEY.length);
        final int endB = endOfNumber(b, keyB + STAMP_KEY.length);
        return Arrays.equals(a, 0, keyA, b, 0, keyB) && Arrays.equals(a, endA, a.length, b, endB, b.length);
    }

    private static int indexOfKey(final byte[] json)
    {
        final int last = Math.min(json.length, SEARCH_LIMIT) - STAMP_KEY.length;
        for (int i = 0; i <= last; i++)
        {
            if (Arrays.equals(json, i, i + STAMP_KEY.length, STAMP_KEY, 0, STAMP_KEY.length))
            {
                return i;
            }
        }
        return -1;
    }

    private static int endOfNumber(final byte[] json, final int from)
    {
        int i = from;
        while (i < json.length && (json[i] == '-' || (json[i] >= '0' && json[i] <= '9')))
        {
            i++;
        }
        return i;
    }
}
