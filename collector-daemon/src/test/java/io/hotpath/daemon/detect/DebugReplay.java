package io.hotpath.daemon.detect;

import java.nio.file.Path;

class DebugReplay
{
    public static void main(final String[] args) throws Exception
    {
        final CsvSeries series = CsvSeries.read(Path.of(args[0]));
        final int from = Integer.parseInt(args[1]);
        final int to = Integer.parseInt(args[2]);
        final AdaptiveDetector d = (AdaptiveDetector)DetectorSettings.adaptiveDefaults()
            .newDetector(new Detector.ScaleFloor(0, 0), Direction.BOTH);
        final long step = series.stepMillis();
        for (int i = 0; i < series.size(); i++)
        {
            final double score = d.observe(series.time(0) + i * step, series.value(i), 0);
            if (i >= from && i < to && (i % Integer.parseInt(args[3]) == 0 || Math.abs(score) >= 4))
            {
                System.out.printf("%5d %10.3f score %7.2f %-12s %s%n", i, series.value(i), score,
                    AdaptiveDetector.names(d.agreeing()), d.debugState());
            }
        }
    }
}
