package io.hotpath.daemon.expose;

import com.google.protobuf.CodedOutputStream;
import io.hotpath.daemon.aggregate.NativeCounts;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A reusable protobuf message under construction: protobuf-java's {@link CodedOutputStream} over a
 * growable byte array. A nested message is built in its own buffer and copied into its parent with
 * {@link #writeTo} (length-delimited), which is how the few messages of the Prometheus exposition
 * and remote-write formats are written here without generated classes (no protoc in the build).
 */
public final class ProtoBuffer
{
    private final Bytes bytes = new Bytes();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes, 4096);

    /** The stream to write fields to. */
    public CodedOutputStream out()
    {
        return out;
    }

    public ProtoBuffer reset()
    {
        flush();
        bytes.reset();
        return this;
    }

    public int size()
    {
        flush();
        return bytes.size();
    }

    /** Writes this buffer as the length-delimited field {@code field} of {@code parent}. */
    public void writeTo(final int field, final CodedOutputStream parent)
    {
        flush();
        try
        {
            parent.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            parent.writeUInt32NoTag(bytes.size());
            parent.write(bytes.array(), 0, bytes.size());
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes this buffer as a length-prefixed message (the {@code encoding=delimited} stream form). */
    public void writeDelimitedTo(final CodedOutputStream parent)
    {
        flush();
        try
        {
            parent.writeUInt32NoTag(bytes.size());
            parent.write(bytes.array(), 0, bytes.size());
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] toByteArray()
    {
        flush();
        return Arrays.copyOf(bytes.array(), bytes.size());
    }

    private void flush()
    {
        try
        {
            out.flush();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e); // the target is memory
        }
    }

    /** Writes {@code name}/{@code value} as a LabelPair (exposition) or Label (remote write): both are {1: name, 2: value}. */
    public static void writeLabel(final CodedOutputStream out, final int field, final String name, final String value, final ProtoBuffer scratch)
    {
        scratch.reset();
        try
        {
            scratch.out.writeString(1, name);
            scratch.out.writeString(2, value);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        scratch.writeTo(field, out);
    }

    private static final class Bytes extends ByteArrayOutputStream
    {
        Bytes()
        {
            super(4096);
        }

        byte[] array()
        {
            return buf;
        }
    }

    /**
     * Writes positive spans (each a {@code BucketSpan{sint32 offset=1; uint32 length=2}} in
     * {@code spanField}) and the bucket counts as zig-zag deltas ({@code deltaField}, packed) —
     * the same layout in metrics.proto and in remote write's types.proto.
     */
    public static void writeNativeBuckets(final NativeCounts counts, final CodedOutputStream out, final ProtoBuffer scratch,
        final int spanField, final int deltaField)
    {
        counts.spans(new NativeCounts.SpanVisitor()
        {
            @Override
            public void span(final int offset, final int length)
            {
                try
                {
                    scratch.reset();
                    scratch.out().writeSInt32(1, offset);
                    scratch.out().writeUInt32(2, length);
                    scratch.writeTo(spanField, out);
                }
                catch (final IOException e)
                {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void bucket(final long count)
            {
            }
        }, false);
        scratch.reset();
        final long[] previous = { 0 };
        counts.spans(new NativeCounts.SpanVisitor()
        {
            @Override
            public void span(final int offset, final int length)
            {
            }

            @Override
            public void bucket(final long count)
            {
                try
                {
                    scratch.out().writeSInt64NoTag(count - previous[0]);
                }
                catch (final IOException e)
                {
                    throw new UncheckedIOException(e);
                }
                previous[0] = count;
            }
        }, true);
        if (scratch.size() > 0)
        {
            scratch.writeTo(deltaField, out);
        }
    }
}
