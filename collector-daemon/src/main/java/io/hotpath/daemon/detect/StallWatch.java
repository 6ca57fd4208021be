package io.hotpath.daemon.detect;

import java.util.HashMap;
import java.util.Map;

/**
 * Tells a stalled JVM or host apart from an anomaly, per service. When a JVM pauses or its host
 * starves it of CPU (another build on the same cores), every kind of call it makes is slow or
 * missing in the same second: the p99 of transports, peer calls and migrations jumps together,
 * throughput dips on all of them, and a second or three later all is back. A real problem moves
 * the calls that depend on it; a stall moves all of them, briefly.
 *
 * <p><b>A stall interval</b> of a service: at least {@link #MIN_METRICS} of its metrics moved in that
 * interval (latency score at or above {@link #MOVED} upwards, or throughput that far either way, on
 * any of the metric's series), and they are at least half of the metrics that had a verdict. Or its
 * calls dipped (or surged) together: a stalled JVM completes fewer calls of every kind in that second
 * and more in the next, by the same share, which a quiet metric's own count (3 calls/s) cannot show
 * but the service's calls pooled can ({@link #DIPPED}, for at most {@link #DIP_MAX} intervals of an episode). Or,
 * measured rather than inferred, an interval with calls of the service in which the daemon saw the
 * stall itself: it closed the interval late ({@link HostStalls}: the host starved it too), or an
 * unusual share of the service's calls reached the spool only after the interval closed
 * ({@link #LATE_SHARE}: the JVM's drain thread stalled with the rest of it). A run
 * of anomalous intervals on any series of the service is <em>held</em> while a stall interval lies
 * less than {@link #AFTER} intervals back (plus the length of a measured stall, see
 * {@link #lastMeasuredMillis()}): it opens an event only once it has lasted past that (the stall's own
 * after-effects, a queue of delayed calls, a closed loop catching up, are over by then),
 * or once it has lasted {@link #MAX} intervals in all (a broad change that long is no stall: a
 * real outage of the whole service still opens, later). Each stall (consecutive stall intervals) is
 * counted once per service ({@code hotpath_anomaly_stalls_total}); runs it held and that ended
 * without opening are counted by the monitors ({@link EventSuppressor#heldRuns()}). The intervals of
 * the daemon's own catch-up with its spool after a start ({@link HostStalls#duringCatchUp}) hold runs
 * as a measured stall does, but are no stall: nothing is counted.
 *
 * <p>Time is in intervals, not seconds. The verdict on interval t is known once the first series of
 * t+1 arrives, so a run is judged against the stalls of the intervals before its current one; the
 * daemon's events need 3 intervals anyway ({@link SignalSettings#defaults}). A service with fewer
 * than {@link #MIN_METRICS} metrics is judged stalled only on the daemon's own evidence.
 *
 * <p>Aggregation thread only, except {@link #count()} (volatile fields):
 * a bit per metric (at most 64; more share the last bit), no allocation per interval.
 */
public final class StallWatch
{
    /** A score at which a metric counts as moved: the adaptive detector's exit threshold. */
    static final double MOVED = 3.0;
    /** Metrics that must move together, at the least. */
    static final int MIN_METRICS = 3;
    /** Intervals a held run must outlast the stall by. */
    static final int AFTER = 4;
    /** Intervals after which a held run opens whatever the stall (a broad change that long is real). */
    static final int MAX = 10;
    /**
     * Intervals after which a run held by a measured stall (the daemon's own evidence, see below)
     * opens: a host that keeps starving its JVMs for a minute is worth an event, seconds of it are not.
     */
    static final int MAX_MEASURED = 30;
    /**
     * Share of a service's calls of an interval read only after it closed that tells its JVM stalled:
     * the agent's drain thread, which writes calls to the spool within milliseconds, was starved or
     * paused with the rest of the JVM. At least 10 %, and 4 times the service's usual share (a drain
     * that batches quiet traffic has a usual share of its own).
     */
    static final double LATE_SHARE = 0.10;
    static final double LATE_SHARE_FACTOR = 4;
    /** Calls an interval needs for its late share to say anything. */
    static final long LATE_SHARE_CALLS = 20;
    /**
     * Pooled Poisson score (calls against the sum of the series' learnt levels, over every series of the
     * service with a throughput verdict) at which the service's calls dipped or surged together; and the
     * same score, at least {@link #DIPPED_REST} the same way, over the metrics other than the one that moved
     * most (one busy kind of call slowing down is a change of that call, not a stall of the JVM).
     */
    static final double DIPPED = 3.0;
    static final double DIPPED_REST = 2.0;
    /**
     * Dip intervals of an episode (dips less than {@link #AFTER} intervals apart) that count as a stall at
     * most: a JVM stall is one dip and the surge after it; a dip that lasts, or comes back again and again,
     * is the service's own (its traffic fell, or a real slowdown slows a closed loop on and off) and opens.
     */
    static final int DIP_MAX = 2;
    /** Weight of one interval in the usual late share (about a minute). */
    private static final double LATE_SHARE_ALPHA = 1.0 / 60;

    private final String service;
    private final Map<String, Integer> metrics = new HashMap<>();
    private final long stepMillis;
    /** The daemon's own late closes (null: none, a replay): a stall interval whatever moved. */
    private final HostStalls host;

    private long tallyTime = Long.MIN_VALUE;
    private long verdicts;
    private long moved;
    private long calls;
    private long late;
    /** Per metric index: calls and the learnt levels of its series with a throughput verdict (see {@link #DIPPED}). */
    private final double[] metricCalls = new double[Long.SIZE];
    private final double[] metricExpected = new double[Long.SIZE];
    private long counted;
    /** Dip (or surge) intervals of the current dip episode, and the last of them. */
    private int dips;
    private long lastDip = Long.MIN_VALUE;
    /** The usual share of late calls (NaN: none seen yet), learnt from the intervals not flagged. */
    private double usualLateShare = Double.NaN;
    private volatile long lastStall = Long.MIN_VALUE;
    /** The last stall interval on the daemon's own evidence (late close, late calls). */
    private long lastMeasured = Long.MIN_VALUE;
    private volatile long stallStart = Long.MIN_VALUE;
    /** First interval of the current measured episode: measured stall intervals less than {@link #AFTER} apart. */
    private long episodeStart = Long.MIN_VALUE;
    private volatile long stalls;
    /**
     * {@link #stalls} as of the last detector state file on disk: what {@code hotpath_anomaly_stalls_total} shows
     * where the counts are saved, so that a restart after kill -9 (which continues from the file) never shows less.
     */
    private volatile long stallsSaved;

    StallWatch(final String service, final long stepMillis)
    {
        this(service, stepMillis, null);
    }

    StallWatch(final String service, final long stepMillis, final HostStalls host)
    {
        this.service = service;
        this.stepMillis = stepMillis;
        this.host = host;
    }

    /** The bit of {@code metric} (a new series of the service; aggregation thread). */
    long metricBit(final String metric)
    {
        final int index = metrics.computeIfAbsent(metric == null ? "" : metric, m -> Math.min(metrics.size(), 63));
        return 1L << index;
    }

    /** Interval {@code time} of some series of the service begins: the intervals before it are judged. */
    void advance(final long time)
    {
        if (time == tallyTime)
        {
            return;
        }
        if (tallyTime != Long.MIN_VALUE && time > tallyTime)
        {
            judge();
        }
        if (time > tallyTime)
        {
            tallyTime = time;
            verdicts = 0;
            moved = 0;
            calls = 0;
            late = 0;
            while (counted != 0)
            {
                final int index = Long.numberOfTrailingZeros(counted);
                metricCalls[index] = 0;
                metricExpected[index] = 0;
                counted &= counted - 1;
            }
        }
    }

    /**
     * The throughput monitor of a series of the metric {@code bit} gave a verdict on {@code count} calls against
     * its learnt level {@code expected} (taken before this interval taught it).
     */
    void noteThroughput(final long bit, final long count, final double expected)
    {
        if (Double.isNaN(expected))
        {
            return;
        }
        final int index = Long.numberOfTrailingZeros(bit);
        metricCalls[index] += count;
        metricExpected[index] += Math.max(expected, 0);
        counted |= bit;
    }

    /**
     * Whether the service's calls dipped or surged together in the interval tallied: pooled over its metrics
     * and, the same way, over all but the metric that moved most (see {@link #DIPPED}).
     */
    private boolean dippedTogether()
    {
        if (Long.bitCount(counted) < MIN_METRICS)
        {
            return false;
        }
        double sumCalls = 0;
        double sumExpected = 0;
        for (long bits = counted; bits != 0; bits &= bits - 1)
        {
            final int index = Long.numberOfTrailingZeros(bits);
            sumCalls += metricCalls[index];
            sumExpected += metricExpected[index];
        }
        final double sign = Math.signum(sumCalls - sumExpected);
        if (sign * (sumCalls - sumExpected) < DIPPED * Math.sqrt(Math.max(sumExpected, 1)))
        {
            return false;
        }
        int most = -1;
        for (long bits = counted; bits != 0; bits &= bits - 1)
        {
            final int index = Long.numberOfTrailingZeros(bits);
            if (most < 0 || sign * (metricCalls[index] - metricExpected[index]) > sign * (metricCalls[most] - metricExpected[most]))
            {
                most = index;
            }
        }
        final double restCalls = sumCalls - metricCalls[most];
        final double restExpected = sumExpected - metricExpected[most];
        return sign * (restCalls - restExpected) >= DIPPED_REST * Math.sqrt(Math.max(restExpected, 1));
    }

    /** Calls of a series of the service in the current interval. */
    void noteCalls(final long count)
    {
        calls += count;
    }

    /** Calls of the service read after their interval closed: known at the next close, before it is judged. */
    void noteLate(final long count)
    {
        late += count;
    }

    /** A monitor of the metric {@code bit} gave {@code score} for the current interval (NaN: none). */
    void note(final long bit, final double score)
    {
        if (Double.isNaN(score))
        {
            return;
        }
        verdicts |= bit;
        if (score >= MOVED)
        {
            moved |= bit;
        }
    }

    private void judge()
    {
        if (host != null && host.duringCatchUp(tallyTime))
        {
            // The daemon's catch-up with its spool after a start: it closed the interval late and read its calls
            // late by its own doing. Runs near it are held like a measured stall's (their data is the backlog's),
            // but no stall is counted and the usual late share learns nothing.
            if (lastMeasured == Long.MIN_VALUE || tallyTime - lastMeasured >= AFTER * stepMillis)
            {
                episodeStart = tallyTime;
            }
            lastMeasured = tallyTime;
            return;
        }
        final int movedMetrics = Long.bitCount(moved);
        boolean dipStall = false;
        if (dippedTogether())
        {
            dips = lastDip != Long.MIN_VALUE && tallyTime - lastDip < AFTER * stepMillis ? dips + 1 : 1;
            lastDip = tallyTime;
            dipStall = dips <= DIP_MAX;
        }
        final long all = calls + late;
        final double lateShare = all == 0 ? 0 : (double)late / all;
        // The JVM stalled: an unusual share of its calls reached the spool only after the interval closed.
        final boolean lateCalls = all >= LATE_SHARE_CALLS && lateShare >= LATE_SHARE
            && lateShare >= LATE_SHARE_FACTOR * usualLateShare;
        if (all > 0 && !lateCalls)
        {
            usualLateShare = Double.isNaN(usualLateShare) ? lateShare : usualLateShare + LATE_SHARE_ALPHA * (lateShare - usualLateShare);
        }
        final boolean hostLate = host != null && host.stalled(tallyTime);
        // Every kind of call moved at once; or, with calls in the interval, the daemon saw the host stall
        // (it closed the interval late) or the JVM's calls arrived late.
        if (movedMetrics >= MIN_METRICS && 2 * movedMetrics >= Long.bitCount(verdicts)
            || dipStall
            || all > 0 && (hostLate || lateCalls))
        {
            if (lastStall != tallyTime - stepMillis)
            {
                stallStart = tallyTime;
                stalls++;
            }
            lastStall = tallyTime;
            if (all > 0 && (hostLate || lateCalls))
            {
                if (lastMeasured == Long.MIN_VALUE || tallyTime - lastMeasured >= AFTER * stepMillis)
                {
                    episodeStart = tallyTime;
                }
                lastMeasured = tallyTime;
            }
        }
    }

    /**
     * Start of the last stall interval on the daemon's own evidence, or {@link Long#MIN_VALUE}; read per
     * interval. Moved later by the length of its episode (such intervals less than {@link #AFTER}
     * apart; at most {@link #MAX} intervals): the after-effects of a JVM starved for several seconds
     * last about as long again (calls queued, a closed loop catching up, the detectors' recent means
     * and spreads still holding the stalled values), so a run is held {@link #AFTER} intervals plus
     * the episode's length past it. Not for stalls inferred from co-movement alone: a real change
     * that slows a closed loop moves every metric's throughput for as long as it lasts.
     */
    long lastMeasuredMillis()
    {
        final long last = lastMeasured;
        return last == Long.MIN_VALUE ? last : last + Math.min(last - episodeStart, (MAX - 1) * stepMillis);
    }

    /** Start of the last stall interval judged, or {@link Long#MIN_VALUE}; read per interval. */
    long lastStallMillis()
    {
        return lastStall;
    }

    /** What the metrics and {@code /api/anomalies} show of the service's stalls. */
    public Count count()
    {
        final long last = lastStall;
        return new Count(service, stalls, stallStart, last == Long.MIN_VALUE ? last : last + stepMillis);
    }

    /**
     * @param stalls          stalls seen (consecutive stall intervals count once; carried over restarts)
     * @param lastStartMillis start of the last stall's first interval, {@link Long#MIN_VALUE} for none
     * @param lastEndMillis   end of the last stall's last interval, {@link Long#MIN_VALUE} for none
     */
    public record Count(String service, long stalls, long lastStartMillis, long lastEndMillis)
    {
    }

    /** Carries the count of a previous run over a restart (never lowers it). */
    void restore(final long count)
    {
        stalls = Math.max(stalls, count);
        stallsSaved = Math.max(stallsSaved, count);
    }

    /** A detector state file holding {@code count} is on disk (the file writer's thread). */
    void saved(final long count)
    {
        stallsSaved = Math.max(stallsSaved, count);
    }

    /** The count in the last detector state file on disk. */
    public long stallsSaved()
    {
        return stallsSaved;
    }

    /**
     * Whether a run of anomalous intervals from {@code runStart} is held at {@code time}: a stall
     * interval of its service lies less than {@link #AFTER} intervals back (the run is the stall, or
     * its after-effect) and the run has lasted fewer than {@link #MAX} intervals, or
     * {@link #MAX_MEASURED} when that stall was measured by the daemon itself; {@code lastStall}
     * and {@code lastMeasured} from {@link #lastStallMillis()} and {@link #lastMeasuredMillis()}.
     */
    static boolean holds(final long lastStall, final long lastMeasured, final long runStart, final long time,
        final long stepMillis)
    {
        final long lasted = time + stepMillis - runStart;
        return lastStall != Long.MIN_VALUE && time - lastStall < AFTER * stepMillis && lasted < MAX * stepMillis
            || lastMeasured != Long.MIN_VALUE && time - lastMeasured < AFTER * stepMillis && lasted < MAX_MEASURED * stepMillis;
    }
}
