package io.hotpath.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;

/** Loads the checked-in golden vectors ({@code src/test/resources/golden/*.hex}) and the values they encode. */
final class GoldenVectors
{
    static final long PID = 4242;
    static final long JVM_START = 1764000000123L;
    static final String SERVICE = "payments-gw";
    static final String HOST = "node-7.eu";
    static final String AGENT_VERSION = "0.1.0";

    static final long TRACE_HIGH = 0x0af7651916cd43ddL;
    static final long TRACE_LOW = 0x8448eb211c80319cL;
    static final long SPAN = 0xb7ad6b7169203331L;

    static final String[] NAMES = {
        "queue-header", "series-definition", "error-type-definition", "sample", "sample-traced", "sample-batch", "sample-batch-block8",
        "agent-stats",
    };

    private GoldenVectors()
    {
    }

    static byte[] bytes(final String name)
    {
        try (InputStream in = GoldenVectors.class.getResourceAsStream("/golden/" + name + ".hex"))
        {
            if (in == null)
            {
                throw new IllegalArgumentException("no golden vector " + name);
            }
            return parseHex(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static UnsafeBuffer buffer(final String name)
    {
        return new UnsafeBuffer(bytes(name));
    }

    static byte[] parseHex(final String text)
    {
        final StringBuilder digits = new StringBuilder();
        for (final String line : text.split("\n"))
        {
            final int comment = line.indexOf('#');
            digits.append((comment >= 0 ? line.substring(0, comment) : line).replaceAll("\\s+", ""));
        }
        final byte[] out = new byte[digits.length() / 2];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = (byte)Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    static String hex(final byte[] bytes, final int length)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            sb.append(String.format("%02x", bytes[i]));
            sb.append(i % 16 == 15 ? '\n' : ' ');
        }
        return sb.toString();
    }
}
