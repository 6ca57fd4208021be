package io.hotpath.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import java.util.Arrays;

/**
 * Property: whatever bytes a decoder is given, it either decodes them or throws
 * {@link MalformedRecordException} — never another exception, never a hang — and a successful
 * decode consumes a positive number of bytes within the region it was given.
 */
class DecoderFuzzTest
{
    private static final long SEED = 0x5EEDL;
    private final RecordDecoder decoder = new RecordDecoder();
    private final List<String> sink = new ArrayList<>();
    private final CollectingHandler handler = new CollectingHandler(sink);
    private int decoded;
    private int rejected;

    @Test
    void randomBytesNeverEscapeAsOtherExceptions()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            final SplittableRandom random = new SplittableRandom(SEED);
            for (int i = 0; i < 100_000; i++)
            {
                final byte[] bytes = new byte[random.nextInt(0, 200)];
                for (int j = 0; j < bytes.length; j++)
                {
                    bytes[j] = (byte)random.nextInt();
                }
                if (bytes.length >= 8 && random.nextBoolean())
                {
                    // Make the framing plausible so the fuzzing reaches the per-type validation.
                    new UnsafeBuffer(bytes).putInt(0, random.nextInt(0, bytes.length + 1), WireFormat.BYTE_ORDER);
                    bytes[4] = (byte)random.nextInt(1, 8);
                }
                feed(bytes, random);
            }
        });
        assertTrue(rejected > 50_000, "most random inputs must be rejected, rejected=" + rejected);
    }

    @Test
    void mutatedGoldenRecordsNeverEscapeAsOtherExceptions()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            final SplittableRandom random = new SplittableRandom(SEED + 1);
            for (final String name : GoldenVectors.NAMES)
            {
                final byte[] golden = GoldenVectors.bytes(name);
                for (int i = 0; i < 30_000; i++)
                {
                    feed(mutate(golden, random), random);
                }
            }
        });
        assertTrue(decoded > 0 && rejected > 0, "decoded=" + decoded + " rejected=" + rejected);
    }

    @Test
    void everySingleByteTruncationIsRejectedCleanly()
    {
        for (final String name : GoldenVectors.NAMES)
        {
            final byte[] golden = GoldenVectors.bytes(name);
            for (int cut = 0; cut < golden.length; cut++)
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(Arrays.copyOf(golden, cut));
                final MalformedRecordException ex = assertThrows(MalformedRecordException.class,
                    () -> decoder.decode(buffer, 0, buffer.capacity(), "fuzz", handler), name + " cut at " + cut);
                assertTrue(ex.offset() >= 0 && ex.offset() <= golden.length, name + ": offset " + ex.offset());
            }
        }
    }

    private void feed(final byte[] bytes, final SplittableRandom random)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        // Sometimes claim less than the buffer holds, as a reader of a partial stream would.
        final int available = bytes.length == 0 || random.nextInt(4) != 0 ? bytes.length : random.nextInt(0, bytes.length);
        sink.clear();
        try
        {
            final int length = decoder.decode(buffer, 0, available, "fuzz", handler);
            assertTrue(length >= RecordHeaderDescriptor.HEADER_LENGTH && length <= available, "length " + length);
            decoded++;
        }
        catch (final MalformedRecordException expected)
        {
            rejected++;
        }
        catch (final RuntimeException unexpected)
        {
            fail("undocumented exception for input " + GoldenVectors.hex(bytes, bytes.length), unexpected);
        }
    }

    private static byte[] mutate(final byte[] golden, final SplittableRandom random)
    {
        byte[] bytes = golden.clone();
        switch (random.nextInt(5))
        {
            case 0: // flip bits
                for (int k = random.nextInt(1, 4); k > 0; k--)
                {
                    final int at = random.nextInt(bytes.length);
                    bytes[at] ^= (byte)(1 << random.nextInt(8));
                }
                break;
            case 1: // random byte somewhere
                bytes[random.nextInt(bytes.length)] = (byte)random.nextInt();
                break;
            case 2: // truncate
                bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
                break;
            case 3: // extend with garbage and fix the length field so the framing is consistent
                bytes = Arrays.copyOf(bytes, bytes.length + random.nextInt(1, 64));
                new UnsafeBuffer(bytes).putInt(0, bytes.length, WireFormat.BYTE_ORDER);
                break;
            default: // overwrite an aligned int with an extreme value
                final int at = random.nextInt(Math.max(1, bytes.length / 4)) * 4;
                if (at + 4 <= bytes.length)
                {
                    final int[] extremes = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0xFFFF, 65536};
                    new UnsafeBuffer(bytes).putInt(at, extremes[random.nextInt(extremes.length)], WireFormat.BYTE_ORDER);
                }
                break;
        }
        return bytes;
    }
}
