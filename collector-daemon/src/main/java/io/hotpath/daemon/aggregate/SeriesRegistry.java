package io.hotpath.daemon.aggregate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every series the daemon aggregates, by identity, with the per-metric cardinality cap: once a
 * service's metric has {@code maxSeriesPerMetric} label sets, samples of further label sets go to
 * one overflow series whose own label values are all {@value #OVERFLOW_LABEL_VALUE}, and
 * {@code hotpath_daemon_series_overflow_total{metric}} counts the label sets folded. Owned by the
 * aggregation thread.
 */
public final class SeriesRegistry
{
    public static final String OVERFLOW_LABEL_VALUE = "other";

    private final long[] bucketBoundsNanos;
    private final int maxSeriesPerMetric;
    private final Map<SeriesKey, Series> byKey = new HashMap<>();
    private final List<Series> all = new ArrayList<>();
    private final Map<String, Integer> seriesPerMetric = new HashMap<>();
    private final Map<String, Long> overflowByMetric = new TreeMap<>();

    public SeriesRegistry(final long[] bucketBoundsNanos, final int maxSeriesPerMetric)
    {
        this.bucketBoundsNanos = bucketBoundsNanos.clone();
        this.maxSeriesPerMetric = maxSeriesPerMetric;
    }

    /** The series for {@code key}: existing, new, or the overflow series when the metric is at its cap. */
    public Series resolve(final SeriesKey key)
    {
        final Series existing = byKey.get(key);
        if (existing != null)
        {
            return existing;
        }
        final String capKey = key.service() + '/' + key.metric();
        final int present = seriesPerMetric.getOrDefault(capKey, 0);
        if (present >= maxSeriesPerMetric)
        {
            overflowByMetric.merge(key.metric(), 1L, Long::sum);
            final SeriesKey overflowKey = key.overflow();
            final Series overflow = byKey.get(overflowKey);
            return overflow != null ? overflow : create(overflowKey);
        }
        seriesPerMetric.put(capKey, present + 1);
        return create(key);
    }

    /** Re-creates a series from a checkpoint, bypassing the cap (it was admitted before the restart). */
    public Series restore(final SeriesKey key)
    {
        final Series existing = byKey.get(key);
        if (existing != null)
        {
            return existing;
        }
        if (!isOverflow(key))
        {
            seriesPerMetric.merge(key.service() + '/' + key.metric(), 1, Integer::sum);
        }
        return create(key);
    }

    public void restoreOverflowCount(final String metric, final long count)
    {
        overflowByMetric.put(metric, count);
    }

    private static boolean isOverflow(final SeriesKey key)
    {
        if (key.ownLabels().isEmpty())
        {
            return false;
        }
        for (final String value : key.ownLabels().values())
        {
            if (!OVERFLOW_LABEL_VALUE.equals(value))
            {
                return false;
            }
        }
        return true;
    }

    private Series create(final SeriesKey key)
    {
        final Series series = new Series(key, bucketBoundsNanos, all.size());
        byKey.put(key, series);
        all.add(series);
        return series;
    }

    public Series find(final SeriesKey key)
    {
        return byKey.get(key);
    }

    public List<Series> all()
    {
        return Collections.unmodifiableList(all);
    }

    public int size()
    {
        return all.size();
    }

    public Map<String, Long> overflowByMetric()
    {
        return Collections.unmodifiableMap(overflowByMetric);
    }
}
