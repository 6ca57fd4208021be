package io.hotpath.daemon.detect;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;

/**
 * How one signal of a series is watched: which detectors, which direction counts, the floors under
 * the detectors' spread (in the signal's unit), and each detector's settings.
 *
 * @param detectors            detectors that run on the signal (empty: the signal is not watched)
 * @param direction            which deviations are anomalous
 * @param minCount             {@code min_calls}: calls a latency or error-ratio value must be computed
 *                             from; quieter intervals are pooled (see {@link AnomalyEngine}) until
 *                             they add up to it (one error in two calls is not a 50 % error ratio
 *                             worth a page, the p99 of 3 calls is their maximum)
 * @param minDeviation         absolute floor of the spread, in the signal's unit (seconds, ratio, calls/s)
 * @param relativeMinDeviation floor of the spread as a fraction of the baseline: a series as steady as
 *                             a clock is not anomalous for moving by 1 %
 * @param detectorSettings     settings of every detector kind (also of those not enabled, so that
 *                             enabling one later has its settings at hand)
 */
public record SignalSettings(
    List<DetectorKind> detectors,
    Direction direction,
    long minCount,
    double minDeviation,
    double relativeMinDeviation,
    Map<DetectorKind, DetectorSettings> detectorSettings)
{
    /** Intervals in a row above {@code enter} before a daemon signal's event opens. */
    static final int CONFIRM_INTERVALS = 3;

    public SignalSettings
    {
        detectors = List.copyOf(detectors);
        detectorSettings = Map.copyOf(detectorSettings);
        if (minCount < 0 || !(minDeviation >= 0) || !(relativeMinDeviation >= 0))
        {
            throw new IllegalArgumentException("min_count, min_deviation and relative_min_deviation must be >= 0");
        }
        for (final DetectorKind kind : DetectorKind.values())
        {
            if (!detectorSettings.containsKey(kind))
            {
                throw new IllegalArgumentException("settings missing for detector " + kind.label());
            }
        }
    }

    /**
     * Built-in defaults. Latency p99 and error ratio are watched upwards, throughput both ways. The
     * floors: 1 ms or 5 % of the baseline for latency (a p99 that moves by less than a millisecond is
     * scheduling noise on a shared host, whatever its MAD says); an absolute 1 percentage point for
     * error ratio; 1 call/s or 5 % for throughput. Latency and error ratio need 20 calls per value
     * ({@code min_calls}): a 1-second p99 of 3 calls is their maximum, not a percentile, and the
     * engine pools quieter seconds until they add up to 20 calls.
     */
    public static SignalSettings defaults(final Signal signal)
    {
        final Map<DetectorKind, DetectorSettings> settings = new EnumMap<>(DetectorKind.class);
        for (final DetectorKind kind : DetectorKind.values())
        {
            settings.put(kind, DetectorSettings.defaults(kind));
        }
        // One second is a short look: a latency or error-ratio value rests on few calls, a throughput
        // second on a busy host's scheduling (a stalled closed loop catching up), and a JVM or host
        // stall moves a second or two of every series. Three anomalous intervals in a row open an event,
        // critical or not (WatchedSeries); near a stall of the service, more (StallWatch).
        final Map<DetectorKind, DetectorSettings> confirmed = new EnumMap<>(settings);
        final DetectorSettings adaptive = settings.get(DetectorKind.ADAPTIVE);
        confirmed.put(DetectorKind.ADAPTIVE,
            adaptive.withSuppression(Duration.ofSeconds(CONFIRM_INTERVALS), adaptive.hold(), adaptive.cooldown()));
        return switch (signal)
        {
            case LATENCY_P99 -> new SignalSettings(
                List.of(DetectorKind.ADAPTIVE), Direction.UP, 20, 0.001, 0.0, confirmed);
            case ERROR_RATIO -> new SignalSettings(
                List.of(DetectorKind.ADAPTIVE), Direction.UP, 20, 0.01, 0.0, confirmed);
            case THROUGHPUT -> new SignalSettings(
                List.of(DetectorKind.ADAPTIVE), Direction.BOTH, 0, 0.0, 0.0, confirmed);
        };
    }

    /**
     * A series of unknown meaning ({@code backtest --signal value}): the default detectors, both
     * directions, no fixed floors (only those learnt from the series).
     */
    public static SignalSettings generic()
    {
        final Map<DetectorKind, DetectorSettings> settings = new EnumMap<>(DetectorKind.class);
        for (final DetectorKind kind : DetectorKind.values())
        {
            settings.put(kind, DetectorSettings.defaults(kind));
        }
        return new SignalSettings(List.of(DetectorKind.ADAPTIVE), Direction.BOTH, 0, 0.0, 0.0, settings);
    }

    public Detector.ScaleFloor floor()
    {
        return new Detector.ScaleFloor(minDeviation, relativeMinDeviation);
    }

    public DetectorSettings settings(final DetectorKind kind)
    {
        return detectorSettings.get(kind);
    }
}
