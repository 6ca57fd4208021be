package io.hotpath.daemon.aggregate;

import java.util.Map;
import java.util.Arrays;

/**
 * Late samples of one series — samples of a second that was already closed when they were read,
 * which {@link WindowTiers#recordLate} placed into the windows — held per minute until the next
 * rotation hands them to the {@link IntervalListener}s ({@link IntervalListener#onLateInterval}).
 *
 * <p>Without this, such samples would be in every window and counter but never reach a listener:
 * an SLO would miss the calls that ended in the last milliseconds of a second (read just after the
 * rotation) and every sample of a queue read after a restart or a retry, and its event counts would
 * drift from {@code hotpath_calls_total}. Minutes are the resolution the listeners keep (SLO
 * counters are per minute); the detectors ignore late data.
 *
 * <p>Usually one minute is pending (late samples are from the previous second); a backlog may
 * spread over several. Slots and their counts are reused: steady state allocates nothing.
 *
 * <p>Not thread-safe: owned by the aggregation thread.
 */
final class LateIntervals
{
    private static final long MILLIS_PER_MINUTE = 60_000L;

    private long[] minutes = new long[2];
    private SparseCounts[] counts = { new SparseCounts(), new SparseCounts() };
    private int size;
    private final View view;

    LateIntervals(final Series series)
    {
        this.view = new View(series);
    }

    boolean isEmpty()
    {
        return size == 0;
    }

    void record(final long second, final long durationNanos, final boolean error, final long payloadBytes)
    {
        final long minute = Math.floorDiv(second, 60L);
        int slot = -1;
        for (int i = 0; i < size; i++)
        {
            if (minutes[i] == minute)
            {
                slot = i;
                break;
            }
        }
        if (slot < 0)
        {
            if (size == minutes.length)
            {
                minutes = Arrays.copyOf(minutes, size * 2);
                counts = Arrays.copyOf(counts, size * 2);
            }
            slot = size++;
            minutes[slot] = minute;
            if (counts[slot] == null)
            {
                counts[slot] = new SparseCounts();
            }
        }
        counts[slot].recordSample(durationNanos, error, payloadBytes);
    }

    /** Hands every pending minute to {@code listener} (as one interval starting at the minute). */
    void deliverTo(final IntervalListener listener)
    {
        for (int i = 0; i < size; i++)
        {
            view.counts = counts[i];
            view.startMillis = minutes[i] * MILLIS_PER_MINUTE;
            listener.onLateInterval(view);
        }
        view.counts = null;
    }

    /** Forgets what was delivered. */
    void clear()
    {
        for (int i = 0; i < size; i++)
        {
            counts[i].reset();
        }
        size = 0;
    }

    /** One pending minute seen as a {@link ClosedInterval}; valid only during the listener call. */
    private static final class View extends CountsInterval
    {
        private final Series series;
        SparseCounts counts;
        long startMillis;

        View(final Series series)
        {
            this.series = series;
        }

        @Override
        public String seriesKey()
        {
            return series.seriesKey();
        }

        @Override
        public Map<String, String> labels()
        {
            return series.labels();
        }

        @Override
        public long intervalStartEpochMillis()
        {
            return startMillis;
        }

        @Override
        public SparseCounts counts()
        {
            return counts;
        }
    }
}
