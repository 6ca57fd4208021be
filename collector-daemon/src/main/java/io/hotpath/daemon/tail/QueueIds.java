package io.hotpath.daemon.tail;

import io.hotpath.daemon.aggregate.Series;
import java.util.Arrays;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * One queue's definitions: its series ids to {@link Series} and its error type ids to the daemon's
 * global error type index. Ids below {@value #DIRECT_ID_LIMIT} are looked up in arrays (the
 * per-sample path: no allocation), larger (unusual) ids in hash maps.
 */
final class QueueIds
{
    static final int DIRECT_ID_LIMIT = 1 << 16;

    private Series[] seriesById = new Series[64];
    private final Int2ObjectHashMap<Series> largeSeriesIds = new Int2ObjectHashMap<>();
    /** Global error type index + 1 by queue error type id; 0 = undeclared. */
    private int[] errorIndexById = new int[16];
    private final Int2ObjectHashMap<Integer> largeErrorIds = new Int2ObjectHashMap<>();

    /** The series of {@code id}, or {@code null} when the queue has not defined it. */
    Series series(final int id)
    {
        if (id >= 0 && id < DIRECT_ID_LIMIT)
        {
            return id < seriesById.length ? seriesById[id] : null;
        }
        return largeSeriesIds.get(id);
    }

    void putSeries(final int id, final Series series)
    {
        if (id >= 0 && id < DIRECT_ID_LIMIT)
        {
            if (id >= seriesById.length)
            {
                seriesById = Arrays.copyOf(seriesById, Math.max(id + 1, seriesById.length * 2));
            }
            seriesById[id] = series;
        }
        else
        {
            largeSeriesIds.put(id, series);
        }
    }

    /** The global error type index of {@code id}, or -1 when the queue has not defined it. */
    int errorIndex(final int id)
    {
        if (id >= 0 && id < DIRECT_ID_LIMIT)
        {
            return id < errorIndexById.length ? errorIndexById[id] - 1 : -1;
        }
        final Integer index = largeErrorIds.get(id);
        return index == null ? -1 : index;
    }

    void putErrorType(final int id, final int globalIndex)
    {
        if (id >= 0 && id < DIRECT_ID_LIMIT)
        {
            if (id >= errorIndexById.length)
            {
                errorIndexById = Arrays.copyOf(errorIndexById, Math.max(id + 1, errorIndexById.length * 2));
            }
            errorIndexById[id] = globalIndex + 1;
        }
        else
        {
            largeErrorIds.put(id, Integer.valueOf(globalIndex));
        }
    }
}
