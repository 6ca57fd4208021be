package io.hotpath.daemon.expose;

import io.hotpath.daemon.rules.LabelValues;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Renders families as Prometheus text 0.0.4 or OpenMetrics 1.0 into a growable byte array, reused
 * across rotations. Numbers are written digit by digit (durations as exact decimal seconds), label
 * sets as their pre-rendered bytes: a series costs copies, not string building.
 *
 * <p>The two formats differ in: family names of counters/info ({@link MetricType}), type names,
 * exemplars ({@code # {trace_id="…",span_id="…"} value timestamp}, OpenMetrics only) and the
 * closing {@code # EOF}.
 */
public final class TextMetricWriter implements MetricWriter
{
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    public static final String OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final boolean openMetrics;
    private byte[] buffer = new byte[64 * 1024];
    private int position;
    private String familyName = "";
    private boolean lineOpen;

    public TextMetricWriter(final boolean openMetrics)
    {
        this.openMetrics = openMetrics;
    }

    public boolean isOpenMetrics()
    {
        return openMetrics;
    }

    public void reset()
    {
        position = 0;
        lineOpen = false;
        familyName = "";
    }

    /** Ends the exposition ({@code # EOF} for OpenMetrics) and returns a copy of the bytes. */
    public byte[] finish()
    {
        endLine();
        if (openMetrics)
        {
            ascii("# EOF\n");
        }
        return Arrays.copyOf(buffer, position);
    }

    public int length()
    {
        return position;
    }

    @Override
    public boolean wantsExemplars()
    {
        return openMetrics;
    }

    @Override
    public void family(final String name, final MetricType type, final String help)
    {
        endLine();
        familyName = name;
        final String shownName = openMetrics ? name : name + type.prometheusFamilySuffix();
        ascii("# HELP ").ascii(shownName).put((byte)' ');
        escapeHelp(help);
        put((byte)'\n');
        ascii("# TYPE ").ascii(shownName).put((byte)' ').ascii(openMetrics ? type.openMetricsName() : type.prometheusName()).put((byte)'\n');
    }

    @Override
    public void sample(final String suffix, final Labels labels, final String name1, final String value1, final String name2,
        final String value2, final long value)
    {
        sampleStart(suffix, labels, name1, value1, name2, value2);
        longValue(value);
        lineOpen = true;
    }

    @Override
    public void sample(final String suffix, final Labels labels, final String name1, final String value1, final String name2,
        final String value2, final double value)
    {
        sampleStart(suffix, labels, name1, value1, name2, value2);
        doubleValue(value);
        lineOpen = true;
    }

    @Override
    public void sampleNanosAsSeconds(final String suffix, final Labels labels, final String name1, final String value1,
        final String name2, final String value2, final long nanos)
    {
        sampleStart(suffix, labels, name1, value1, name2, value2);
        nanosAsSeconds(nanos);
        lineOpen = true;
    }

    @Override
    public void exemplar(final String traceId, final String spanId, final long valueNanos, final long epochMillis)
    {
        if (!openMetrics || !lineOpen)
        {
            return;
        }
        ascii(" # {trace_id=\"").ascii(traceId).ascii("\",span_id=\"").ascii(spanId).ascii("\"} ");
        nanosAsSeconds(valueNanos);
        put((byte)' ');
        longValue(epochMillis / 1000);
        put((byte)'.');
        final long millis = epochMillis % 1000;
        put((byte)('0' + millis / 100)).put((byte)('0' + millis / 10 % 10)).put((byte)('0' + millis % 10));
    }

    private void sampleStart(
        final String suffix, final Labels labels, final String name1, final String value1, final String name2, final String value2)
    {
        endLine();
        ascii(familyName).ascii(suffix);
        final boolean any = labels.size() > 0 || name1 != null || name2 != null;
        if (any)
        {
            put((byte)'{');
            final byte[] text = labels.text();
            ensure(text.length);
            System.arraycopy(text, 0, buffer, position, text.length);
            position += text.length;
            boolean comma = text.length > 0;
            if (name1 != null)
            {
                label(comma, name1, value1);
                comma = true;
            }
            if (name2 != null)
            {
                label(comma, name2, value2);
            }
            put((byte)'}');
        }
        put((byte)' ');
    }

    private void label(final boolean comma, final String name, final String value)
    {
        if (comma)
        {
            put((byte)',');
        }
        ascii(name).ascii("=\"");
        boolean plain = true;
        for (int i = 0; i < value.length() && plain; i++)
        {
            final char c = value.charAt(i);
            plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
        }
        if (plain)
        {
            ascii(value);
        }
        else
        {
            utf8(LabelValues.escape(value));
        }
        put((byte)'"');
    }

    private void endLine()
    {
        if (lineOpen)
        {
            put((byte)'\n');
            lineOpen = false;
        }
    }

    private void escapeHelp(final String help)
    {
        final StringBuilder escaped = new StringBuilder(help.length());
        for (int i = 0; i < help.length(); i++)
        {
            final char c = help.charAt(i);
            if (c == '\\')
            {
                escaped.append("\\\\");
            }
            else if (c == '\n')
            {
                escaped.append("\\n");
            }
            else if (c == '"' && openMetrics)
            {
                escaped.append("\\\"");
            }
            else
            {
                escaped.append(c);
            }
        }
        utf8(escaped.toString());
    }

    /** Exact decimal seconds: integer part, then up to nine fraction digits without trailing zeros. */
    private void nanosAsSeconds(final long nanos)
    {
        long value = nanos;
        if (value < 0)
        {
            put((byte)'-');
            value = -value;
        }
        longValue(value / 1_000_000_000L);
        long fraction = value % 1_000_000_000L;
        if (fraction != 0)
        {
            int digits = 9;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                digits--;
            }
            put((byte)'.');
            digits(fraction, digits);
        }
    }

    private void longValue(final long value)
    {
        if (value == Long.MIN_VALUE)
        {
            ascii(Long.toString(value));
            return;
        }
        long v = value;
        if (v < 0)
        {
            put((byte)'-');
            v = -v;
        }
        if (v == 0)
        {
            put((byte)'0');
            return;
        }
        int digits = 0;
        for (long t = v; t != 0; t /= 10)
        {
            digits++;
        }
        digits(v, digits);
    }

    /** The last {@code count} decimal digits of {@code value} (≥ 0), leading zeros included. */
    private void digits(final long value, final int count)
    {
        ensure(count);
        long v = value;
        for (int i = count - 1; i >= 0; i--)
        {
            buffer[position + i] = (byte)('0' + v % 10);
            v /= 10;
        }
        position += count;
    }

    private void doubleValue(final double value)
    {
        if (Double.isNaN(value))
        {
            ascii("NaN");
        }
        else if (Double.isInfinite(value))
        {
            ascii(value > 0 ? "+Inf" : "-Inf");
        }
        else if (value == Math.rint(value) && Math.abs(value) < 1e15)
        {
            longValue((long)value);
            if (openMetrics)
            {
                ascii(".0");
            }
        }
        else
        {
            ascii(Double.toString(value));
        }
    }

    /**
     * Names, suffixes and plain label values are ASCII: {@link String#getBytes(int, int, byte[], int)}
     * copies their bytes in one intrinsic call (a compact Latin-1 string is already bytes), several
     * times faster than a {@code charAt} loop over the ~100 characters of every sample line.
     */
    @SuppressWarnings("deprecation")
    private TextMetricWriter ascii(final String text)
    {
        final int length = text.length();
        ensure(length);
        text.getBytes(0, length, buffer, position);
        position += length;
        return this;
    }

    private void utf8(final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, position, bytes.length);
        position += bytes.length;
    }

    private TextMetricWriter put(final byte b)
    {
        ensure(1);
        buffer[position++] = b;
        return this;
    }

    private void ensure(final int more)
    {
        if (position + more > buffer.length)
        {
            buffer = Arrays.copyOf(buffer, Math.max(position + more, buffer.length * 2));
        }
    }
}
