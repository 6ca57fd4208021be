package io.hotpath.daemon.slo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.hotpath.daemon.aggregate.ClosedInterval;

/**
 * The live accounting of one SLO: turns the intervals of its series into good/total events per
 * minute, and computes its {@link SloStatus}. Single-threaded (the aggregation thread).
 *
 * <p>A time-sliced SLO collects the calls of the minute in progress and judges the minute when it
 * closes (a minute with intervals but no calls is good, as Prometheus' {@code < bool} on 0/0 has
 * it); its windows therefore end with the last closed minute. A per-call SLO counts calls as they
 * come, its windows include the minute in progress.
 */
final class SloAccountant
{
    private final SloDefinition slo;
    private final SliSpec sli;
    private final List<Duration> windows;
    private final long[] windowMinutes;
    private final SloCounters counters;
    private final long fingerprint;

    private long sliceMinute = SloCounters.EMPTY;
    private long sliceGoodCalls;
    private long sliceTotalCalls;
    private long lateIntervals;
    int seriesMatched;

    SloAccountant(final SloDefinition slo, final SloStateCodec.State restored)
    {
        this.slo = slo;
        this.sli = slo.sli();
        this.fingerprint = sli.fingerprint();
        this.windows = slo.windows();
        this.windowMinutes = new long[windows.size()];
        for (int i = 0; i < windowMinutes.length; i++)
        {
            windowMinutes[i] = windows.get(i).toMinutes();
        }
        final long longest = windowMinutes[windowMinutes.length - 1];
        if (restored != null)
        {
            this.counters = restored.counters();
            this.sliceMinute = restored.sliceMinute();
            this.sliceGoodCalls = restored.sliceGoodCalls();
            this.sliceTotalCalls = restored.sliceTotalCalls();
        }
        else
        {
            this.counters = new SloCounters(longest);
        }
    }

    static int hourSlots(final SloDefinition slo)
    {
        final List<Duration> windows = slo.windows();
        return SloCounters.hourSlotsFor(windows.get(windows.size() - 1).toMinutes());
    }

    SloDefinition slo()
    {
        return slo;
    }

    void ingest(final ClosedInterval interval)
    {
        final long minute = Math.floorDiv(interval.intervalStartEpochMillis(), 60_000L);
        final long count = Math.max(0, interval.count());
        final long rawGood = sli.type() == SliSpec.Type.LATENCY
            ? interval.countAtOrBelow(sli.thresholdNanos())
            : count - interval.errorCount();
        final long good = Math.max(0, Math.min(count, rawGood));
        if (sli.timeSliced())
        {
            if (sliceMinute == SloCounters.EMPTY || minute > sliceMinute)
            {
                closeSlice();
                sliceMinute = minute;
            }
            else if (minute < sliceMinute)
            {
                lateIntervals++;
                return;
            }
            sliceGoodCalls += good;
            sliceTotalCalls += count;
            counters.advanceTo(minute);
        }
        else
        {
            counters.add(minute, good, count);
        }
    }

    /** Time moved on to {@code minute}: closes a finished slice and moves the head even without data. */
    void tick(final long minute)
    {
        if (sli.timeSliced() && sliceMinute != SloCounters.EMPTY && minute > sliceMinute)
        {
            closeSlice();
        }
        if (counters.headMinute() != SloCounters.EMPTY)
        {
            counters.advanceTo(minute);
        }
    }

    private void closeSlice()
    {
        if (sliceMinute == SloCounters.EMPTY)
        {
            return;
        }
        final boolean good = sliceTotalCalls == 0 || sliceGoodCalls >= sli.percentile() * sliceTotalCalls;
        counters.add(sliceMinute, good ? 1 : 0, 1);
        sliceMinute = SloCounters.EMPTY;
        sliceGoodCalls = 0;
        sliceTotalCalls = 0;
    }

    SloStatus status(final long nowMillis)
    {
        final long head = counters.headMinute();
        final long end = sli.timeSliced() ? head - 1 : head;
        final double budget = slo.errorBudget();
        final List<SloStatus.WindowStatus> windowStatuses = new ArrayList<>(windows.size());
        for (int i = 0; i < windows.size(); i++)
        {
            final double[] sums = head == SloCounters.EMPTY ? new double[2] : counters.window(end, windowMinutes[i]);
            windowStatuses.add(new SloStatus.WindowStatus(windows.get(i), sums[0], sums[1], budget));
        }
        final List<SloStatus.AlertStatus> alerts = new ArrayList<>(slo.alerts().size());
        for (final BurnRateAlert alert : slo.alerts())
        {
            final double longBurn = find(windowStatuses, alert.longWindow()).burnRate();
            final double shortBurn = find(windowStatuses, alert.shortWindow()).burnRate();
            alerts.add(new SloStatus.AlertStatus(alert, longBurn, shortBurn,
                longBurn > alert.factor() && shortBurn > alert.factor()));
        }
        final SloStatus.WindowStatus compliance = find(windowStatuses, slo.window());
        final double consumed = compliance.total() > 0 ? compliance.errorRatio() / budget : 0.0;
        final long first = counters.firstMinute();
        return new SloStatus(slo, nowMillis, windowStatuses, consumed, 1 - consumed, alerts, counters.goodEvents(),
            counters.badEvents(), seriesMatched, first == SloCounters.EMPTY ? Long.MIN_VALUE : first * 60_000L);
    }

    private static SloStatus.WindowStatus find(final List<SloStatus.WindowStatus> statuses, final Duration window)
    {
        for (final SloStatus.WindowStatus status : statuses)
        {
            if (status.window().equals(window))
            {
                return status;
            }
        }
        throw new IllegalStateException("window " + window + " not computed");
    }

    SloStateCodec.State state()
    {
        return new SloStateCodec.State(fingerprint, counters, sliceMinute, sliceGoodCalls, sliceTotalCalls);
    }

    long lateIntervals()
    {
        return lateIntervals;
    }

    SloCounters counters()
    {
        return counters;
    }
}
