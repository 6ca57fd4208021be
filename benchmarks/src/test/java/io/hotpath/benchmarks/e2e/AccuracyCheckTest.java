package io.hotpath.benchmarks.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import io.hotpath.demo.ExactResults;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class AccuracyCheckTest
{
    /** Values below 2 048 ns have 1 ns buckets in a 3-digit HdrHistogram: its percentiles are then exact. */
    @Test
    void demoNearestRankIsHdrHistogramsDefinition()
    {
        final SplittableRandom random = new SplittableRandom(7);
        final double[] percents = { 50, 90, 95, 99, 99.9, 100 };
        for (int n = 1; n <= 2_000; n += n < 120 ? 1 : 37)
        {
            final long[] values = new long[n];
            final Histogram histogram = new Histogram(1, 3_600_000_000_000L, 3);
            for (int i = 0; i < n; i++)
            {
                values[i] = 1 + random.nextInt(2_000);
                histogram.recordValue(values[i]);
            }
            Arrays.sort(values);
            for (final double percent : percents)
            {
                assertEquals(histogram.getValueAtPercentile(percent), ExactResults.percentile(values, percent),
                    "n=" + n + " p" + percent);
            }
        }
        // where ceil(p / 100.0 * n) in doubles overshoots: 99.9 % of 1 000 values is rank 999
        assertEquals(999, ExactResults.nearestRank(99.9, 1_000));
        assertEquals(1, ExactResults.nearestRank(50, 1));
        assertEquals(50, ExactResults.nearestRank(99, 50));
    }

    @Test
    void exactCountsAndPercentilesWithinOnePercentPass()
    {
        final List<AccuracyCheck.Row> judged = AccuracyCheck.judge(List.of(row("a", 100, 100, 100_000, 100_900)), 0, true);
        assertEquals("exact", judged.get(0).counts());
        assertTrue(judged.get(0).percentilesChecked());
        assertTrue(judged.get(0).pass());
    }

    @Test
    void aPercentileOffByMoreThanOnePercentFails()
    {
        final AccuracyCheck.Row judged = AccuracyCheck.judge(List.of(row("a", 100, 100, 100_000, 98_900)), 0, true).get(0);
        assertFalse(judged.pass());
        assertFalse(AccuracyCheck.judge(List.of(row("a", 100, 100, 100_000, 98_900)), 0, false).get(0).percentilesChecked(),
            "a counts-only check does not judge percentiles");
        assertTrue(AccuracyCheck.judge(List.of(row("a", 100, 100, 100_000, 98_900)), 0, false).get(0).pass());
    }

    @Test
    void samplesMissingExactlyAsCountedDropsPassWithoutJudgingPercentiles()
    {
        final List<AccuracyCheck.Row> judged = AccuracyCheck.judge(
            List.of(row("a", 100, 97, 100_000, 90_000), row("b", 100, 99, 100_000, 100_000)), 4, true);
        for (final AccuracyCheck.Row r : judged)
        {
            assertEquals("counted-drops", r.counts(), r.series());
            assertFalse(r.percentilesChecked(), "other calls than the service's: not like for like");
            assertTrue(r.pass(), r.series());
        }
    }

    @Test
    void missingSamplesTheAgentDidNotCountFail()
    {
        final List<AccuracyCheck.Row> judged = AccuracyCheck.judge(List.of(row("a", 100, 97, 100_000, 100_000)), 2, true);
        assertEquals("MISMATCH", judged.get(0).counts());
        assertFalse(judged.get(0).pass());
        assertFalse(AccuracyCheck.judge(List.of(row("a", 100, 101, 100_000, 100_000)), 0, true).get(0).pass(), "daemon above the service");
        assertTrue(AccuracyCheck.report("t", judged, 2).contains("FAIL"));
    }

    private static AccuracyCheck.Row row(final String series, final long count, final long daemon, final long exactNanos,
        final long daemonNanos)
    {
        return new AccuracyCheck.Row(series, count, daemon, daemon, 0, 0, new long[] {exactNanos, exactNanos, exactNanos},
            new long[] {daemonNanos, daemonNanos, daemonNanos});
    }
}
