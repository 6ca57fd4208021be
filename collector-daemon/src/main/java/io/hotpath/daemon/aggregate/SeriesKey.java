package io.hotpath.daemon.aggregate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;

/**
 * Identity of a series: service + metric + kind + the rule's own labels. Own labels are sorted by
 * key so that the same series defined by several JVMs (in any label order) is one series.
 * {@link #key()} is the stable text form {@code service/metric{k="v",…}}; {@link #labels()} holds all
 * labels, {@code service}, {@code metric} and {@code kind} first.
 */
public final class SeriesKey
{
    public static final String SERVICE = "service";
    public static final String METRIC = "metric";
    public static final String KIND = "kind";

    private final String service;
    private final String metric;
    private final String kind;
    private final Map<String, String> ownLabels;
    private final Map<String, String> labels;
    private final String key;

    public SeriesKey(final String service, final String metric, final String kind, final Map<String, String> ownLabels)
    {
        this.service = service;
        this.metric = metric;
        this.kind = kind;
        final TreeMap<String, String> sorted = new TreeMap<>();
        for (final Map.Entry<String, String> label : ownLabels.entrySet())
        {
            sorted.put(labelName(label.getKey()), label.getValue());
        }
        this.ownLabels = Collections.unmodifiableMap(sorted);
        final LinkedHashMap<String, String> all = new LinkedHashMap<>();
        all.put(SERVICE, service);
        all.put(METRIC, metric);
        all.put(KIND, kind);
        all.putAll(sorted);
        this.labels = Collections.unmodifiableMap(all);
        final StringBuilder text = new StringBuilder(service).append('/').append(metric).append('{');
        text.append("kind=\"").append(kind).append('"');
        for (final Map.Entry<String, String> label : sorted.entrySet())
        {
            text.append(',').append(label.getKey()).append("=\"").append(label.getValue()).append('"');
        }
        this.key = text.append('}').toString();
    }

    /**
     * A rule's label name as a valid Prometheus label name that cannot clash with the daemon's own:
     * invalid characters become {@code _}, and names the exposition uses itself ({@code service},
     * {@code le}, {@code quantile}, the anomaly families' {@code signal}, {@code detector}, {@code severity}, …) or reserved ones ({@code __…}) get the prefix {@code label_}.
     * One bad label name would otherwise make Prometheus reject the whole scrape.
     */
    static String labelName(final String name)
    {
        final StringBuilder clean = new StringBuilder(name.length() + 6);
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            final boolean valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
            clean.append(valid ? c : '_');
        }
        final String text = clean.length() == 0 ? "_" : clean.toString();
        return RESERVED.contains(text) || text.startsWith("__") ? "label_" + text : text;
    }

    private static final Set<String> RESERVED = Set.of(
        SERVICE, METRIC, KIND, "le", "quantile", "window", "outcome", "error_type", "job", "instance", "queue", "reason",
        "signal", "detector", "severity");

    public String service()
    {
        return service;
    }

    public String metric()
    {
        return metric;
    }

    public String kind()
    {
        return kind;
    }

    public Map<String, String> ownLabels()
    {
        return ownLabels;
    }

    public Map<String, String> labels()
    {
        return labels;
    }

    public String key()
    {
        return key;
    }

    /** The series that takes the samples of this one's metric once the cardinality cap is reached. */
    public SeriesKey overflow()
    {
        final TreeMap<String, String> other = new TreeMap<>();
        for (final String labelKey : ownLabels.keySet())
        {
            other.put(labelKey, SeriesRegistry.OVERFLOW_LABEL_VALUE);
        }
        return new SeriesKey(service, metric, kind, other);
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof SeriesKey && ((SeriesKey)o).key.equals(key);
    }

    @Override
    public int hashCode()
    {
        return key.hashCode();
    }

    @Override
    public String toString()
    {
        return key;
    }
}
