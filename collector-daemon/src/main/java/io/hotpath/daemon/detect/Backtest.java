package io.hotpath.daemon.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Replays a {@link CsvSeries} through {@link AnomalyMonitor}s, the very class the daemon runs per
 * series, and scores the events against labelled anomalies.
 *
 * <p><b>Scoring.</b> An event matches a labelled anomaly [start, end) when it overlaps
 * [start, end + detection window). Each event that matches a not yet detected anomaly is a true
 * positive and detects every anomaly it overlaps; an event that matches only anomalies already
 * detected is a duplicate, and counts as a false positive with the events matching none: a
 * flapping detector pays in precision. Precision = true positives / events, recall = detected
 * anomalies / anomalies, F1 their harmonic mean; the delay of a detection is event start − anomaly
 * start (0 when the event started earlier).
 */
public final class Backtest
{
    private Backtest()
    {
    }

    /** An event of a replay with the rows where it started (back-dated) and where it opened (the alert). */
    public record Replayed(AnomalyEvent event, int startRow, int alertRow)
    {
    }

    /**
     * Replays every row of {@code series} as one interval of {@code stepMillis}, in file order (rows
     * with repeated or out-of-order timestamps too), through one monitor of {@code kind}; the events
     * carry the rows' own timestamps. An event still open at the end is closed there.
     */
    public static List<Replayed> replay(
        final CsvSeries series, final Signal signal, final SignalSettings settings, final DetectorKind kind,
        final long stepMillis)
    {
        final long[] ids = {0};
        final AnomalyMonitor monitor = new AnomalyMonitor(series.name(), Map.of(), signal, settings, kind, stepMillis,
            () -> ++ids[0]);
        final long origin = series.size() == 0 ? 0 : series.time(0);
        final List<AnomalyEvent> events = new ArrayList<>();
        for (int i = 0; i < series.size(); i++)
        {
            final AnomalyEvent event = monitor.observe(origin + i * stepMillis, series.value(i));
            if (event != null && !event.isOpen())
            {
                events.add(event);
            }
        }
        final AnomalyEvent stillOpen = monitor.close();
        if (stillOpen != null)
        {
            events.add(stillOpen);
        }
        final List<Replayed> replayed = new ArrayList<>(events.size());
        for (final AnomalyEvent e : events)
        {
            final int startRow = row(e.startMillis(), origin, stepMillis, series.size());
            final int alertRow = row(e.alertMillis(), origin, stepMillis, series.size());
            final int endRow = row(e.endMillis() - stepMillis, origin, stepMillis, series.size());
            final int peakRow = row(e.peakAtMillis(), origin, stepMillis, series.size());
            replayed.add(new Replayed(new AnomalyEvent(e.id(), e.seriesKey(), e.labels(), e.signal(), e.detector(),
                e.severity(), series.time(startRow), series.time(endRow) + stepMillis, e.peakScore(), series.time(peakRow),
                e.peakValue(), e.baselineAtPeak(), series.time(alertRow), e.direction(), e.agreed()), startRow, alertRow));
        }
        return replayed;
    }

    private static int row(final long time, final long origin, final long stepMillis, final int rows)
    {
        return (int)Math.max(0, Math.min(rows - 1, (time - origin) / stepMillis));
    }

    /** Events of one detector over a series, with their scoring when labels exist. */
    public record Result(DetectorKind detector, List<AnomalyEvent> events, int[] alertRows, Evaluation evaluation)
    {
    }

    /** How the events compare with the labels. */
    public record Evaluation(
        int events,
        int truePositives,
        int duplicates,
        int falsePositives,
        int anomalies,
        int detected,
        List<Boolean> eventMatched,
        List<Long> delaysMillis)
    {
        public double precision()
        {
            return events == 0 ? (anomalies == 0 ? 1.0 : 0.0) : (double)truePositives / events;
        }

        public double recall()
        {
            return anomalies == 0 ? 1.0 : (double)detected / anomalies;
        }

        public double f1()
        {
            final double p = precision();
            final double r = recall();
            return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
        }

        public long maxDelayMillis()
        {
            return delaysMillis.stream().mapToLong(Long::longValue).max().orElse(0);
        }

        public double meanDelayMillis()
        {
            return delaysMillis.stream().mapToLong(Long::longValue).average().orElse(0);
        }
    }

    /**
     * Runs each detector of {@code kinds} over the series with {@code settings} ({@code signal} only
     * names the events); an event still open at the end is closed there.
     */
    public static List<Result> run(
        final CsvSeries series,
        final Signal signal,
        final SignalSettings settings,
        final List<DetectorKind> kinds,
        final long stepMillis,
        final List<CsvSeries.LabelWindow> labels,
        final long detectionWindowMillis)
    {
        final List<Result> results = new ArrayList<>();
        for (final DetectorKind kind : kinds)
        {
            final List<Replayed> replayed = replay(series, signal, settings, kind, stepMillis);
            final List<AnomalyEvent> events = new ArrayList<>(replayed.size());
            final int[] alertRows = new int[replayed.size()];
            for (int i = 0; i < alertRows.length; i++)
            {
                events.add(replayed.get(i).event());
                alertRows[i] = replayed.get(i).alertRow();
            }
            results.add(new Result(kind, events, alertRows, evaluate(events, labels, detectionWindowMillis)));
        }
        return results;
    }

    /**
     * Overlapping events of all detectors merged into incidents (what an operator sees when every
     * detector alerts into one channel), scored like one detector's events.
     */
    public static List<long[]> mergeIncidents(final List<Result> results)
    {
        final List<long[]> spans = new ArrayList<>();
        for (final Result result : results)
        {
            for (final AnomalyEvent event : result.events())
            {
                spans.add(new long[] {event.startMillis(), event.endMillis()});
            }
        }
        spans.sort(Comparator.comparingLong(span -> span[0]));
        final List<long[]> merged = new ArrayList<>();
        for (final long[] span : spans)
        {
            final long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && span[0] <= last[1])
            {
                last[1] = Math.max(last[1], span[1]);
            }
            else
            {
                merged.add(span.clone());
            }
        }
        return merged;
    }

    public static Evaluation evaluate(
        final List<AnomalyEvent> events, final List<CsvSeries.LabelWindow> labels, final long detectionWindowMillis)
    {
        final List<long[]> spans = new ArrayList<>();
        for (final AnomalyEvent event : events)
        {
            spans.add(new long[] {event.startMillis(), event.endMillis()});
        }
        return evaluateSpans(spans, labels, detectionWindowMillis);
    }

    /** Scores [start, end) spans, in start order, against labels; see the class comment. */
    public static Evaluation evaluateSpans(
        final List<long[]> spans, final List<CsvSeries.LabelWindow> labels, final long detectionWindowMillis)
    {
        final boolean[] detected = new boolean[labels.size()];
        final List<Long> delays = new ArrayList<>();
        final List<Boolean> matched = new ArrayList<>();
        int truePositives = 0;
        int duplicates = 0;
        int falsePositives = 0;
        for (final long[] span : spans)
        {
            boolean overlapsAny = false;
            boolean detectsNew = false;
            for (int i = 0; i < labels.size(); i++)
            {
                final CsvSeries.LabelWindow label = labels.get(i);
                final boolean overlaps = span[0] < label.endMillis() + detectionWindowMillis && span[1] > label.startMillis();
                if (overlaps)
                {
                    overlapsAny = true;
                    if (!detected[i])
                    {
                        detected[i] = true;
                        detectsNew = true;
                        delays.add(Math.max(0, span[0] - label.startMillis()));
                    }
                }
            }
            if (detectsNew)
            {
                truePositives++;
            }
            else if (overlapsAny)
            {
                duplicates++;
            }
            else
            {
                falsePositives++;
            }
            matched.add(detectsNew);
        }
        int detectedCount = 0;
        for (final boolean d : detected)
        {
            detectedCount += d ? 1 : 0;
        }
        return new Evaluation(spans.size(), truePositives, duplicates, falsePositives, labels.size(), detectedCount,
            matched, delays);
    }
}
