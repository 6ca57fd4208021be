package io.hotpath.daemon.rules;

import java.math.BigDecimal;
import java.util.Map;

/** Small PromQL text helpers: selectors with escaped label values, exact numbers, bucket bounds. */
public final class PromQl
{
    private PromQl()
    {
    }

    /** {@code name{a="x",b="y",extra...}}; {@code extra} are raw matchers such as {@code outcome="error"}. */
    public static String selector(final String name, final Map<String, String> labels, final String... extra)
    {
        final StringBuilder out = new StringBuilder(name);
        if (labels.isEmpty() && extra.length == 0)
        {
            return out.toString();
        }
        out.append('{');
        boolean first = true;
        for (final Map.Entry<String, String> label : labels.entrySet())
        {
            if (!first)
            {
                out.append(',');
            }
            first = false;
            out.append(label.getKey()).append("=\"").append(LabelValues.escape(label.getValue())).append('"');
        }
        for (final String matcher : extra)
        {
            if (!first)
            {
                out.append(',');
            }
            first = false;
            out.append(matcher);
        }
        return out.append('}').toString();
    }

    /** A number without binary-floating noise: 14.4 * (1 - 0.999) is 0.0144, not 0.014400000000000013. */
    public static String number(final BigDecimal value)
    {
        return value.stripTrailingZeros().toPlainString();
    }

    /** factor × (1 − target), exactly as written. */
    public static BigDecimal errorRatioThreshold(final double factor, final double target)
    {
        return BigDecimal.valueOf(factor).multiply(BigDecimal.ONE.subtract(BigDecimal.valueOf(target)));
    }

    /**
     * A matcher for the histogram bucket whose upper bound is {@code seconds}, whichever way the
     * exposition spells the bound: Go clients write {@code le="1"}, Java's simpleclient {@code le="1.0"};
     * both write {@code 0.1} as {@code 0.1}. Prometheus regexes are anchored, so this matches the one bucket.
     */
    public static String leMatcher(final double seconds)
    {
        final String plain = number(new BigDecimal(Double.toString(seconds)));
        if (plain.contains("."))
        {
            return "le=~\"" + plain.replace(".", "\\\\.") + "0*\"";
        }
        return "le=~\"" + plain + "(\\\\.0*)?\"";
    }
}
