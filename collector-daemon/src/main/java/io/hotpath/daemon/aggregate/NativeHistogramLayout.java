package io.hotpath.daemon.aggregate;

/**
 * Maps {@link HistogramLayout} buckets onto the buckets of a Prometheus native (sparse,
 * exponential) histogram of a given schema, in seconds. Native bucket {@code k} of schema {@code s}
 * holds values in {@code (2^((k-1)/2^s), 2^(k/2^s)]}; its width is {@code 2^(2^-s) - 1} of its
 * lower bound: 2.2 % at schema 5, 1.09 % at 6, 0.54 % at 7, 0.27 % at 8.
 *
 * <p>Why the default is schema 7: Prometheus (2.42) reads a quantile from a native histogram by
 * linear interpolation inside the bucket the rank falls in, so its error is below one bucket width;
 * each HdrHistogram bucket (≤ 1/1024 wide) goes whole to the native bucket holding its midpoint, which
 * moves a sample by at most one HdrHistogram bucket (0.1 %). Schema 7 bounds the error of a quantile
 * read from the native histogram at 0.54 % + 0.1 % of the HdrHistogram value, inside the 1 % target
 * for any distribution; at schema 6 a point mass at the bottom of a bucket read at a high quantile
 * already errs by 1.0 %: no margin left. {@code NativeHistogramLayoutTest}
 * checks the bound on adversarial and realistic distributions.
 *
 * <p>A value of 0 ns (HdrHistogram bucket 0) goes to the zero bucket, whose threshold is
 * {@link #ZERO_THRESHOLD} (Prometheus' default), so no positive duration falls in it.
 */
public final class NativeHistogramLayout
{
    public static final int MIN_SCHEMA = 0;
    public static final int MAX_SCHEMA = 8;
    public static final int DEFAULT_SCHEMA = 7;
    /** Zero bucket width: Prometheus' default (2^-128), below any duration in nanoseconds. */
    public static final double ZERO_THRESHOLD = 0x1p-128;
    /** Marks the zero bucket in {@link #nativeIndex}. */
    public static final int ZERO_BUCKET = Integer.MIN_VALUE;

    private static final NativeHistogramLayout[] LAYOUTS = new NativeHistogramLayout[MAX_SCHEMA + 1];

    private final int schema;
    private final int[] nativeIndexByHdrIndex;

    private NativeHistogramLayout(final int schema)
    {
        this.schema = schema;
        this.nativeIndexByHdrIndex = new int[HistogramLayout.INDEX_COUNT];
        final double scale = Math.scalb(1.0, schema);
        for (int i = 0; i < nativeIndexByHdrIndex.length; i++)
        {
            final long lowest = HistogramLayout.lowestValue(i);
            if (lowest > HistogramLayout.MAX_VALUE)
            {
                nativeIndexByHdrIndex[i] = nativeIndexByHdrIndex[i - 1];
                continue;
            }
            final double middleNanos = (lowest + HistogramLayout.highestValue(i)) / 2.0;
            nativeIndexByHdrIndex[i] = middleNanos <= 0 ? ZERO_BUCKET : index(middleNanos / 1e9, scale);
        }
    }

    /** The (cached) layout of {@code schema}, 0 … 8. */
    public static synchronized NativeHistogramLayout of(final int schema)
    {
        if (schema < MIN_SCHEMA || schema > MAX_SCHEMA)
        {
            throw new IllegalArgumentException("native histogram schema " + schema + " is outside " + MIN_SCHEMA + " … " + MAX_SCHEMA);
        }
        if (LAYOUTS[schema] == null)
        {
            LAYOUTS[schema] = new NativeHistogramLayout(schema);
        }
        return LAYOUTS[schema];
    }

    public int schema()
    {
        return schema;
    }

    /** Native bucket of HdrHistogram bucket {@code hdrIndex}, or {@link #ZERO_BUCKET}. */
    public int nativeIndex(final int hdrIndex)
    {
        return nativeIndexByHdrIndex[hdrIndex];
    }

    /** Native bucket of a value in seconds (> 0): {@code ceil(log2(v) * 2^schema)}, exact on powers of two. */
    static int index(final double seconds, final double scale)
    {
        final int exponent = Math.getExponent(seconds);
        final double mantissa = seconds / Math.scalb(1.0, exponent); // [1, 2)
        if (mantissa == 1.0)
        {
            return (int)(exponent * scale);
        }
        return (int)Math.ceil((exponent + Math.log(mantissa) / Math.log(2)) * scale);
    }

    /** Upper bound of native bucket {@code index}, seconds. */
    public double upperBound(final int index)
    {
        return Math.pow(2.0, index / Math.scalb(1.0, schema));
    }

    /** Lower bound of native bucket {@code index}, seconds. */
    public double lowerBound(final int index)
    {
        return upperBound(index - 1);
    }
}
