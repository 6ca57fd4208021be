package io.hotpath.daemon.expose;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** One rotation's exposition: the text immutable, its gzip'd form computed at most once per format. */
public final class RenderedMetrics
{
    private static final int PROMETHEUS = 0;
    private static final int OPENMETRICS = 1;
    private static final int PROTOBUF = 2;

    private final byte[] prometheusText;
    private final byte[] openMetricsText;
    private final long renderNanos;
    private final long renderedAtEpochMillis;
    /** The protobuf exposition; null when nobody asked lately. Set by the renderer before publication. */
    byte[] protobuf;
    /** Each format's body gzip'd (by index above), compressed by the first caller, then shared. */
    private final AtomicReferenceArray<byte[]> gzipped = new AtomicReferenceArray<>(3);

    RenderedMetrics(final byte[] prometheusText, final byte[] openMetricsText, final long renderNanos, final long renderedAtEpochMillis)
    {
        this.prometheusText = prometheusText;
        this.openMetricsText = openMetricsText;
        this.renderNanos = renderNanos;
        this.renderedAtEpochMillis = renderedAtEpochMillis;
    }

    public byte[] prometheusText()
    {
        return prometheusText;
    }

    /** Null when this rotation did not render OpenMetrics (nobody asked lately). */
    public byte[] openMetricsText()
    {
        return openMetricsText;
    }

    /** Null when this rotation did not render the protobuf exposition. */
    public byte[] protobuf()
    {
        return protobuf;
    }

    /** The protobuf exposition gzip'd, compressed once by the first scrape that asks. */
    public byte[] protobufGzipped()
    {
        return gzipOnce(PROTOBUF, protobuf);
    }

    public long renderNanos()
    {
        return renderNanos;
    }

    public long renderedAtEpochMillis()
    {
        return renderedAtEpochMillis;
    }

    /** Whether {@link #gzipped} would return at once (compressed already). */
    boolean gzipReady(final boolean openMetrics)
    {
        return gzipped.get(openMetrics ? OPENMETRICS : PROMETHEUS) != null;
    }

    /** The text gzip'd; compressed by the first caller (background compressor or scrape), then shared. */
    public byte[] gzipped(final boolean openMetrics)
    {
        return openMetrics ? gzipOnce(OPENMETRICS, openMetricsText) : gzipOnce(PROMETHEUS, prometheusText);
    }

    private byte[] gzipOnce(final int format, final byte[] body)
    {
        byte[] gzip = gzipped.get(format);
        if (gzip == null)
        {
            synchronized (this)
            {
                gzip = gzipped.get(format);
                if (gzip == null)
                {
                    gzip = gzip(body);
                    gzipped.set(format, gzip);
                }
            }
        }
        return gzip;
    }

    /** gzip as the scrape serves it ({@link Deflater#BEST_SPEED}). */
    public static byte[] gzip(final byte[] text)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, text.length / 8));
        try (GZIPOutputStream gzip = new FastGzipOutputStream(out))
        {
            gzip.write(text);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** gzip at {@link Deflater#BEST_SPEED}: metric text compresses ~10× even so, at several times the speed of the default level. */
    private static final class FastGzipOutputStream extends GZIPOutputStream
    {
        FastGzipOutputStream(final ByteArrayOutputStream out) throws IOException
        {
            super(out, 64 * 1024);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
