package io.hotpath.daemon.expose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.aggregate.Series;
import io.hotpath.daemon.aggregate.SeriesKey;
import io.hotpath.daemon.detect.AnomalyEngine;
import io.hotpath.daemon.detect.AnomalySettings;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The per-series cost of a default scrape, as a budget: a regression that makes every series emit
 * more lines or fatter lines (a family written for every window, a score per detector, …) fails
 * here rather than in a 70 MB scrape of a 10 000-series host. 10 000 series × the budget is what
 * Prometheus ingests from one daemon per scrape.
 *
 * <p>The series are realistic: {@code service}, {@code metric}, {@code kind} plus two rule labels,
 * every series called with some errors within the last second, anomaly detection on with its
 * defaults (quiet traffic: no open events), as the daemon wires it.
 */
class ExpositionBudgetTest
{
    private static final long T0 = 1_800_000_000_000L;
    private static final int SERIES = 200;
    /**
     * Lines per default series: histogram 16 buckets + {@code +Inf} + {@code _sum} + {@code _count}
     * = 19, quantiles 2 windows × 6 = 12, calls ok + one error type = 2.
     */
    private static final int LINES_PER_SERIES_BUDGET = 33;
    /** Bytes per line beyond the series' own label text: family name, extra labels, value (measured ~60 on average). */
    private static final int BYTES_PER_LINE_BEYOND_LABELS = 64;

    @Test
    void aDefaultSeriesStaysWithinItsBudget()
    {
        final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), T0);
        final AnomalyEngine anomalies = new AnomalyEngine(AnomalySettings.defaults());
        aggregator.addIntervalListener(anomalies);
        final int timeout = aggregator.errorTypes().intern("TimeoutException");
        final Series[] series = new Series[SERIES];
        for (int i = 0; i < SERIES; i++)
        {
            final Map<String, String> labels = new LinkedHashMap<>();
            labels.put("peer", "10.20." + i / 256 + "." + i % 256 + ":7000");
            labels.put("transport", i % 2 == 0 ? "quic" : "tcp");
            series[i] = aggregator.registry().resolve(new SeriesKey("checkout", "transport_send", "transport", labels));
        }
        for (int second = 0; second < 3; second++)
        {
            final long start = (T0 + second * 1000L) * 1_000_000L;
            for (int i = 0; i < SERIES; i++)
            {
                for (int call = 0; call < 50; call++)
                {
                    aggregator.record(series[i], start + call, 200_000L + call * 40_000L + i, call == 7, call == 7 ? timeout : 0, -1,
                        false, 0, 0, 0);
                }
            }
            aggregator.rotate(T0 + (second + 1) * 1000L);
        }

        final MetricsRenderer renderer = new MetricsRenderer(ExpositionSettings.defaults());
        renderer.addSource(new SeriesMetricFamilies(AggregationSettings.DEFAULT_BUCKETS_NANOS, ExpositionSettings.defaults()));
        renderer.addSource(new AnomalyMetricFamilies(anomalies, false));
        renderer.render(aggregator.latest(), T0 + 3000);
        final String empty = renderEmpty();
        final String text = new String(renderer.latest().prometheusText(), StandardCharsets.UTF_8);

        final String oneSeriesLabels = "service=\"checkout\",metric=\"transport_send\",kind=\"transport\",peer=\"10.20.0.7:7000\",transport=\"tcp\"";
        final long linesOfOneSeries = text.lines().filter(l -> l.contains("{" + oneSeriesLabels + ",") || l.contains("{" + oneSeriesLabels + "}"))
            .count();
        // Per-series lines only: per-service families (e.g. hotpath_anomaly_stalls_total{service}) add one line per service.
        final long samples = text.lines().filter(l -> !l.startsWith("#") && l.contains(",peer=\"")).count();
        final double bytesPerSeries = (double)(text.length() - empty.length()) / SERIES;
        final int budgetBytes = LINES_PER_SERIES_BUDGET * (oneSeriesLabels.length() + BYTES_PER_LINE_BEYOND_LABELS);

        assertEquals(samples, linesOfOneSeries * SERIES, "every series writes as many lines as the one counted");
        assertTrue(linesOfOneSeries <= LINES_PER_SERIES_BUDGET,
            "a default series writes " + linesOfOneSeries + " lines per scrape, budget " + LINES_PER_SERIES_BUDGET + ":\n"
                + text.lines().filter(l -> l.contains(oneSeriesLabels)).reduce("", (a, b) -> a + b + "\n"));
        assertTrue(bytesPerSeries <= budgetBytes,
            "a default series costs " + bytesPerSeries + " bytes per scrape, budget " + budgetBytes);
        System.out.printf("exposition budget: %d lines, %.0f bytes per default series (budget %d lines, %d bytes)%n",
            linesOfOneSeries, bytesPerSeries, LINES_PER_SERIES_BUDGET, budgetBytes);
    }

    /** The same sources without series: HELP/TYPE lines only, to subtract. */
    private static String renderEmpty()
    {
        final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), T0);
        final MetricsRenderer renderer = new MetricsRenderer(ExpositionSettings.defaults());
        renderer.addSource(new SeriesMetricFamilies(AggregationSettings.DEFAULT_BUCKETS_NANOS, ExpositionSettings.defaults()));
        renderer.addSource(new AnomalyMetricFamilies(new AnomalyEngine(AnomalySettings.defaults()), false));
        aggregator.rotate(T0 + 1000);
        renderer.render(aggregator.latest(), T0 + 1000);
        return new String(renderer.latest().prometheusText(), StandardCharsets.UTF_8);
    }
}
