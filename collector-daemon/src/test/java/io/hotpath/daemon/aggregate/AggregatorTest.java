package io.hotpath.daemon.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import java.util.Arrays;

class AggregatorTest
{
    private static final long T0_MILLIS = 1_800_000_000_000L; // a whole 5-minute boundary
    private static final long NANOS = 1_000_000L;

    private final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), T0_MILLIS + 500);
    private final Series series = aggregator.registry().resolve(key("quic"));

    private static SeriesKey key(final String transport)
    {
        return new SeriesKey("demo", "transport_send", "transport", Map.of("transport", transport));
    }

    private void record(final long endMillis, final long durationNanos)
    {
        aggregator.record(series, endMillis * NANOS, durationNanos, false, 0, -1, false, 0, 0, 0);
    }

    @Test
    void aSecondHeldOpenPastItsEndKeepsItsLateReadSamplesAndTheNextSecondsOwn()
    {
        aggregator.closeGraceMillis(200);
        assertEquals(T0_MILLIS + 1_200, aggregator.nextRotationEpochMillis());
        record(T0_MILLIS + 600, 1_000);
        // read after the second's end, within the grace: an agent's pre-boundary write that came late
        record(T0_MILLIS + 995, 2_000);
        // the next second's own samples, read before the open one closes
        record(T0_MILLIS + 1_050, 30_000);
        record(T0_MILLIS + 1_150, 40_000);
        assertFalse(aggregator.rotate(T0_MILLIS + 1_199), "held open through the grace");
        assertTrue(aggregator.rotate(T0_MILLIS + 1_200));
        SeriesSnapshot snapshot = aggregator.latest().series().get(0);
        assertEquals(T0_MILLIS, snapshot.intervalStartEpochMillis());
        assertEquals(2, snapshot.intervalCount(), "its own two samples, not the next second's");
        assertEquals(2_000, snapshot.intervalQuantiles()[5], "exact max of its own");
        assertEquals(0, snapshot.lateSamples());
        record(T0_MILLIS + 1_900, 50_000);
        assertTrue(aggregator.rotate(T0_MILLIS + 2_200));
        snapshot = aggregator.latest().series().get(0);
        assertEquals(T0_MILLIS + 1_000, snapshot.intervalStartEpochMillis());
        assertEquals(3, snapshot.intervalCount(), "the samples read during the grace are in their own second");
        assertEquals(50_000, snapshot.intervalQuantiles()[5]);
        assertEquals(5, snapshot.callsTotal());
        // a stall: several seconds close at once; what was read for later seconds stays in the newest one
        record(T0_MILLIS + 2_500, 1_000);
        record(T0_MILLIS + 5_100, 2_000);
        assertTrue(aggregator.rotate(T0_MILLIS + 5_300));
        assertEquals(T0_MILLIS + 4_000, aggregator.latest().series().get(0).intervalStartEpochMillis());
        assertEquals(T0_MILLIS + 6_200, aggregator.nextRotationEpochMillis());
        aggregator.flush(T0_MILLIS + 5_400);
        assertEquals(1, aggregator.latest().series().get(0).intervalCount(), "flush closes what the grace held too");
        assertEquals(7, aggregator.latest().series().get(0).callsTotal());
    }

    @Test
    void theOpenIntervalOfACheckpointTakenDuringTheGraceReachesTheListenersAfterARestore()
    {
        aggregator.closeGraceMillis(200);
        final long[] seen = new long[3]; // calls, errors, sum of nanos (from the buckets' counts above 1 ms)
        final IntervalListener counting = interval ->
        {
            seen[0] += interval.count();
            seen[1] += interval.errorCount();
            seen[2] += interval.count() - interval.countAtOrBelow(1_000_000);
        };
        aggregator.addIntervalListener(counting);
        record(T0_MILLIS + 900, 500_000);
        // the next second's samples, read during the grace: in the counters, not yet seen by the listener
        record(T0_MILLIS + 1_050, 3_000_000);
        aggregator.record(series, (T0_MILLIS + 1_100) * NANOS, 700_000, true, 0, -1, false, 0, 0, 0);
        assertTrue(aggregator.rotate(T0_MILLIS + 1_200));
        assertEquals(1, seen[0]);
        final Map<String, byte[]> open = aggregator.captureOpenIntervals();
        assertEquals(1, open.size());

        // the restart: cumulative counters come from the checkpoint, the open interval from the same one
        final Aggregator restarted = new Aggregator(AggregationSettings.defaults(), T0_MILLIS + 9_500);
        restarted.closeGraceMillis(200);
        final Series again = restarted.registry().restore(key("quic"));
        again.restore(series.okCalls(), series.errorCallsByType(), series.payloadBytesTotal(), series.bucketCounts(),
            series.sumNanosTotal(), 0);
        restarted.addIntervalListener(counting);
        restarted.restoreOpenIntervals(open);
        restarted.restoreOpenIntervals(Map.of("no such series", new byte[] { 1, 2 }, key("quic").key(), new byte[] { 0 }));
        assertTrue(restarted.rotate(T0_MILLIS + 10_200));
        assertEquals(3, seen[0], "every sample reached the listener once");
        assertEquals(1, seen[1]);
        assertEquals(1, seen[2]);
        assertEquals(3, restarted.latest().series().get(0).callsTotal(), "and was counted once");
        assertEquals(Map.of(), restarted.captureOpenIntervals(), "nothing open right after the rotation without new reads");
    }

    @Test
    void rotatesOnWholeWallClockSecondsAndReportsSilenceToo()
    {
        final List<String> seen = new ArrayList<>();
        aggregator.addIntervalListener(interval -> seen.add(interval.intervalStartEpochMillis() + ":" + interval.count()));
        record(T0_MILLIS + 600, 1_000);
        record(T0_MILLIS + 999, 2_000);
        record(T0_MILLIS + 5_000, 3_000); // from the future: counted into the open second
        assertFalse(aggregator.rotate(T0_MILLIS + 999));
        assertEquals(List.of(), seen);
        assertTrue(aggregator.rotate(T0_MILLIS + 1_000));
        assertEquals(List.of(T0_MILLIS + ":3"), seen);
        final SeriesSnapshot snapshot = aggregator.latest().series().get(0);
        assertEquals(3, snapshot.intervalCount());
        assertEquals(T0_MILLIS, snapshot.intervalStartEpochMillis());
        assertEquals(3_000, snapshot.intervalQuantiles()[5], "exact max");
        assertEquals(2_000.0, snapshot.intervalMeanNanos(), 1e-9);
        record(T0_MILLIS + 1_500, 10);
        assertTrue(aggregator.rotate(T0_MILLIS + 4_100));
        assertEquals(List.of(T0_MILLIS + ":3", (T0_MILLIS + 1_000) + ":1", (T0_MILLIS + 2_000) + ":0", (T0_MILLIS + 3_000) + ":0"), seen);
        assertEquals(0, aggregator.latest().series().get(0).intervalCount());
        assertEquals(4, aggregator.latest().series().get(0).callsTotal());
        assertEquals(T0_MILLIS + 5_000, aggregator.nextRotationEpochMillis());
    }

    @Test
    void everySampleReachesTheListenersOnceLateOnesInTheirMinute()
    {
        final List<String> late = new ArrayList<>();
        final long[] seenByListener = new long[2]; // calls, errors
        final int[] rotations = new int[1];
        aggregator.addIntervalListener(new IntervalListener()
        {
            @Override
            public void onInterval(final ClosedInterval interval)
            {
                seenByListener[0] += interval.count();
                seenByListener[1] += interval.errorCount();
            }

            @Override
            public void onLateInterval(final ClosedInterval samples)
            {
                late.add(samples.seriesKey() + "@" + samples.intervalStartEpochMillis() + ":" + samples.count() + "/" +
                    samples.errorCount() + " <=1ms " + samples.countAtOrBelow(1_000_000) + " p99 " + samples.quantileNanos(0.99));
                seenByListener[0] += samples.count();
                seenByListener[1] += samples.errorCount();
            }

            @Override
            public void afterRotation()
            {
                rotations[0]++;
            }
        });
        // A minute of seconds so that the windows hold closed seconds, with one error per second.
        for (int s = 0; s < 70; s++)
        {
            record(T0_MILLIS + s * 1000L + 10, 500_000);
            aggregator.record(series, (T0_MILLIS + s * 1000L + 20) * NANOS, 2_000_000, true, 0, -1, false, 0, 0, 0);
            aggregator.rotate(T0_MILLIS + (s + 1) * 1000L);
        }
        assertEquals(70, rotations[0]);
        assertEquals(List.of(), late);
        // Read after their seconds closed: two of the previous minute's last second, one of 65 s before.
        record(T0_MILLIS + 59_999, 700_000);
        aggregator.record(series, (T0_MILLIS + 59_998) * NANOS, 3_000_000, true, 0, -1, false, 0, 0, 0);
        record(T0_MILLIS + 65_500, 900_000);
        aggregator.rotate(T0_MILLIS + 71_000);
        assertEquals(List.of(
            series.seriesKey() + "@" + T0_MILLIS + ":2/1 <=1ms 1 p99 " + HistogramLayout.highestValue(HistogramLayout.index(3_000_000)),
            series.seriesKey() + "@" + (T0_MILLIS + 60_000) + ":1/0 <=1ms 1 p99 " + HistogramLayout.highestValue(HistogramLayout.index(900_000))),
            late);
        assertEquals(71, rotations[0], "once per rotation");
        final SeriesSnapshot snapshot = aggregator.latest().series().get(0);
        assertEquals(snapshot.callsTotal(), seenByListener[0], "listeners saw every sample counted");
        assertEquals(143, seenByListener[0]);
        assertEquals(71, seenByListener[1]);
        assertEquals(0, snapshot.lateSamples(), "all of them still landed in their own seconds' blocks");
        aggregator.rotate(T0_MILLIS + 72_000);
        assertEquals(2, late.size(), "delivered once");
    }

    @Test
    void windowsHoldExactlyTheSecondsTheySpanToHistogramPrecision()
    {
        final SplittableRandom random = new SplittableRandom(5);
        final List<long[]> perSecond = new ArrayList<>();
        final long firstSecond = T0_MILLIS / 1000;
        for (int s = 0; s < 4000; s++)
        {
            final int n = random.nextInt(0, 40);
            final long[] values = new long[n];
            for (int i = 0; i < n; i++)
            {
                values[i] = (long)Math.exp(Math.log(3e6) + random.nextGaussian() * (s % 700 < 350 ? 0.3 : 1.2));
                record((firstSecond + s) * 1000 + random.nextInt(1000), values[i]);
            }
            perSecond.add(values);
            aggregator.rotate((firstSecond + s + 1) * 1000);
            if (s == 119 || s == 359 || s == 1259 || s == 3959)
            {
                assertWindowsMatch(perSecond, firstSecond, firstSecond + s + 1);
            }
        }
    }

    private void assertWindowsMatch(final List<long[]> perSecond, final long firstSecond, final long nextOpenSecond)
    {
        final SeriesSnapshot snapshot = aggregator.latest().series().get(0);
        for (int w = 0; w < WindowTiers.windowCount(); w++)
        {
            final long span = snapshot.windowSpanSeconds()[w];
            final Histogram reference = new Histogram(1, HistogramLayout.MAX_VALUE, 3);
            long sum = 0;
            for (long second = Math.max(firstSecond, nextOpenSecond - span); second < nextOpenSecond; second++)
            {
                for (final long value : perSecond.get((int)(second - firstSecond)))
                {
                    reference.recordValue(value);
                    sum += value;
                }
            }
            final String name = WindowTiers.WINDOW_NAMES[w] + " at " + (nextOpenSecond - firstSecond) + " s (span " + span + " s)";
            assertEquals(reference.getTotalCount(), snapshot.windowCounts()[w], name);
            for (int q = 0; q < Quantiles.REPORTED.length; q++)
            {
                assertEquals(reference.getValueAtPercentile(Quantiles.REPORTED[q] * 100.0), snapshot.windowQuantiles()[w][q],
                    name + " q" + Quantiles.REPORTED[q]);
            }
            assertEquals(reference.getTotalCount() == 0 ? 0.0 : (double)sum / reference.getTotalCount(),
                snapshot.windowMeanNanos()[w], 1e-6, name);
            final long nominal = new long[] { 60, 300, 900, 3600 }[w];
            final long block = new long[] { 10, 60, 300, 300 }[w];
            final long elapsed = nextOpenSecond - firstSecond;
            assertTrue(span >= Math.min(nominal, elapsed) && span < nominal + block, name);
        }
    }

    @Test
    void lateSamplesLandInTheirOwnBlockWhileHeldElseInTheOpenSecondAndAreCounted()
    {
        final long firstSecond = T0_MILLIS / 1000;
        for (int s = 0; s < 100; s++)
        {
            aggregator.rotate((firstSecond + s + 1) * 1000);
        }
        // 40 s ago: inside the 1m window's blocks. Windows show it from their next refresh (1h: whole minutes).
        record((firstSecond + 60) * 1000, 7_000_000);
        aggregator.rotate((firstSecond + 120) * 1000);
        SeriesSnapshot snapshot = aggregator.latest().series().get(0);
        assertEquals(0, snapshot.intervalCount(), "not in the open second");
        assertEquals(1, snapshot.windowCounts()[0], "1m");
        assertEquals(1, snapshot.windowCounts()[3], "1h");
        assertEquals(0, snapshot.lateSamples());
        // Two hours ago: no block holds it any more.
        record((firstSecond - 7200) * 1000, 5_000_000);
        aggregator.rotate((firstSecond + 121) * 1000);
        snapshot = aggregator.latest().series().get(0);
        assertEquals(1, snapshot.intervalCount(), "counted into the open second");
        assertEquals(1, snapshot.lateSamples());
        assertEquals(2, snapshot.callsTotal());
    }

    @Test
    void aBacklogOfLateSamplesLandsInTheWindowsExactlyOnce()
    {
        final long firstSecond = T0_MILLIS / 1000;
        aggregator.rotate((firstSecond + 200) * 1000);
        final SplittableRandom random = new SplittableRandom(21);
        final Histogram all = new Histogram(1, HistogramLayout.MAX_VALUE, 3);
        long inLastMinute = 0;
        for (int i = 0; i < 5000; i++)
        {
            final long second = firstSecond + 100 + random.nextInt(100);
            final long duration = 1_000 + random.nextInt(50_000_000);
            record(second * 1000 + random.nextInt(1000), duration);
            all.recordValue(duration);
            inLastMinute += second >= firstSecond + 180 ? 1 : 0;
        }
        aggregator.rotate((firstSecond + 240) * 1000);
        final SeriesSnapshot snapshot = aggregator.latest().series().get(0);
        assertEquals(0, snapshot.lateSamples(), "every second was still held by a block");
        assertEquals(inLastMinute, snapshot.windowCounts()[0], "1m covers 180..239");
        for (int w = 1; w < WindowTiers.windowCount(); w++)
        {
            assertEquals(5000, snapshot.windowCounts()[w], WindowTiers.WINDOW_NAMES[w]);
        }
        for (int q = 0; q < Quantiles.REPORTED.length; q++)
        {
            assertEquals(all.getValueAtPercentile(Quantiles.REPORTED[q] * 100.0), snapshot.windowQuantiles()[3][q]);
        }
        aggregator.rotate((firstSecond + 300) * 1000);
        assertEquals(5000, aggregator.latest().series().get(0).windowCounts()[3], "applied once, not again");
    }

    @Test
    void cardinalityCapFoldsNewLabelSetsIntoOther()
    {
        final Aggregator capped = new Aggregator(new AggregationSettings(AggregationSettings.DEFAULT_BUCKETS_NANOS, 2, new double[0]), T0_MILLIS);
        final Series a = capped.registry().resolve(key("a"));
        final Series b = capped.registry().resolve(key("b"));
        final Series c = capped.registry().resolve(key("c"));
        final Series d = capped.registry().resolve(key("d"));
        assertNotSame(a, b);
        assertSame(c, d);
        assertEquals("other", c.key().ownLabels().get("transport"));
        assertSame(a, capped.registry().resolve(key("a")), "admitted series stay");
        assertEquals(2L, capped.registry().overflowByMetric().get("transport_send"));
        assertEquals(3, capped.registry().size());
    }

    @Test
    void cumulativeBucketsCountLessOrEqualBounds()
    {
        aggregator.record(series, T0_MILLIS * NANOS, 1_000_000, false, 0, 10, false, 0, 0, 0); // exactly le=0.001
        aggregator.record(series, T0_MILLIS * NANOS, 1_000_001, true, aggregator.errorTypes().intern("IOException"), 5, false, 0, 0, 0);
        aggregator.record(series, T0_MILLIS * NANOS, 99_000_000_000L, false, 0, -1, false, 0, 0, 0);
        aggregator.rotate(T0_MILLIS + 1000);
        final SeriesSnapshot snapshot = aggregator.latest().series().get(0);
        final long[] bounds = AggregationSettings.DEFAULT_BUCKETS_NANOS;
        final int le1ms = Arrays.binarySearch(bounds, 1_000_000L);
        assertEquals(1, snapshot.bucketCounts()[le1ms]);
        assertEquals(1, snapshot.bucketCounts()[le1ms + 1]);
        assertEquals(1, snapshot.bucketCounts()[bounds.length], "+Inf");
        assertEquals(2, snapshot.okCalls());
        assertEquals(1, snapshot.errorCallsByType()[aggregator.errorTypes().intern("IOException")]);
        assertEquals(15, snapshot.payloadBytesTotal());
        assertEquals(1_000_000 + 1_000_001 + 99_000_000_000L, snapshot.sumNanosTotal());
    }

    @Test
    void tracedIntervalMaxBecomesItsBucketsExemplar()
    {
        aggregator.record(series, T0_MILLIS * NANOS, 2_000_000, false, 0, -1, true, 1, 2, 3);
        aggregator.record(series, T0_MILLIS * NANOS, 7_000_000, false, 0, -1, true, 4, 5, 6);
        aggregator.record(series, T0_MILLIS * NANOS, 9_000_000, false, 0, -1, false, 0, 0, 0);
        aggregator.rotate(T0_MILLIS + 1000);
        final SeriesSnapshot snapshot = aggregator.latest().series().get(0);
        final int le10ms = Arrays.binarySearch(AggregationSettings.DEFAULT_BUCKETS_NANOS, 10_000_000L);
        assertEquals(7_000_000, snapshot.exemplarValueNanos()[le10ms]);
        assertEquals(6, snapshot.exemplarSpan()[le10ms]);
        assertEquals(-1, snapshot.exemplarValueNanos()[0]);
        // The next interval's threshold is last interval's p99 (9 ms): a 2 ms traced sample is not kept, a 9.5 ms one is.
        aggregator.record(series, (T0_MILLIS + 1000) * NANOS, 2_000_000, false, 0, -1, true, 7, 7, 7);
        aggregator.record(series, (T0_MILLIS + 1000) * NANOS, 9_500_000, false, 0, -1, true, 8, 8, 8);
        final int le2_5ms = Arrays.binarySearch(AggregationSettings.DEFAULT_BUCKETS_NANOS, 2_500_000L);
        aggregator.rotate(T0_MILLIS + 2000);
        final SeriesSnapshot next = aggregator.latest().series().get(0);
        assertEquals(-1, next.exemplarValueNanos()[le2_5ms], "a 2 ms sample is below the threshold");
        assertEquals(8, next.exemplarSpan()[le10ms]);
    }
}
