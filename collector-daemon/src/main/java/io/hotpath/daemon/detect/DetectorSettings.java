package io.hotpath.daemon.detect;

import java.time.Duration;

/**
 * Settings of one detector on one signal: its own parameters and the suppression that turns its
 * score into events. Scores are in standard deviations (see {@link Detector}), so thresholds read
 * the same for every detector: an event opens when the score stays at or above {@code enter} for
 * {@code minDuration} (or reaches {@code critical} at once), stays open while it is at or above
 * {@code exit}, closes after {@code hold} below it, and no new event opens for {@code cooldown}.
 *
 * @param enter        score at which an event may open
 * @param exit         score below which an open event counts as quiet (hysteresis: {@code exit <= enter})
 * @param critical     peak score at which the event is critical rather than warning, and opens at once
 * @param minDuration  how long the score must stay at or above {@code enter} before an event opens
 * @param hold         how long the score must stay below {@code exit} before the event closes; flaps
 *                     shorter than this stay one event
 * @param cooldown     after an event closes, how long new events of the same detector and signal are suppressed
 * @param warmup       values learnt before the first verdict
 * @param alpha        zscore: weight of each new value in the moving mean and variance
 * @param window       mad: rolling window; levelshift: reference window (values)
 * @param testWindow   levelshift: recent values whose median is compared with the reference
 * @param relearnAfter mad: consecutive outliers kept out of the window before they are learnt again
 */
public record DetectorSettings(
    DetectorKind kind,
    double enter,
    double exit,
    double critical,
    Duration minDuration,
    Duration hold,
    Duration cooldown,
    int warmup,
    double alpha,
    int window,
    int testWindow,
    int relearnAfter)
{
    public DetectorSettings
    {
        if (!(exit > 0 && exit <= enter && enter <= critical))
        {
            throw new IllegalArgumentException(
                kind.label() + ": thresholds must satisfy 0 < exit <= enter <= critical, got exit=" + exit
                    + " enter=" + enter + " critical=" + critical);
        }
        if (minDuration.isNegative() || hold.isNegative() || cooldown.isNegative())
        {
            throw new IllegalArgumentException(kind.label() + ": durations must be >= 0");
        }
        if (!(alpha > 0 && alpha < 1))
        {
            throw new IllegalArgumentException(kind.label() + ": alpha must be in (0, 1), got " + alpha);
        }
        if (window < 3 || testWindow < 1 || relearnAfter < 0)
        {
            throw new IllegalArgumentException(kind.label() + ": window >= 3, test_window >= 1, relearn_after >= 0");
        }
        final int maxWarmup = kind == DetectorKind.ZSCORE || kind == DetectorKind.ADAPTIVE ? 100_000 : window;
        if (warmup < 3 || warmup > maxWarmup)
        {
            throw new IllegalArgumentException(
                kind.label() + ": warmup must be in [3, " + maxWarmup + "], got " + warmup);
        }
    }

    /**
     * Built-in defaults. Thresholds: 3σ for the z-score (the classic), 3.5 for MAD (Iglewicz and
     * Hoaglin's recommendation for modified z-scores), 3 for a level shift of the median. Suppression:
     * 2 s confirmation, 10 s hold, 60 s cool-down. Critical, which also opens an event at once
     * without the 2 s confirmation, is kept for the extreme: 10σ for the z-score and the level shift,
     * 12 for MAD, i.e. with the latency floors at least 10-12 ms above the median, and at least 50-60 %
     * above it for a median over 20 ms; a one-second blip of a busy host rarely gets there, and when it
     * is below critical it needs a second anomalous second to open. (The engine also lets a latency
     * or error-ratio value open at once only when it rests on 100 calls or more.)
     */
    public static DetectorSettings defaults(final DetectorKind kind)
    {
        final Duration minDuration = Duration.ofSeconds(2);
        final Duration hold = Duration.ofSeconds(10);
        final Duration cooldown = Duration.ofSeconds(60);
        return switch (kind)
        {
            case ZSCORE -> new DetectorSettings(kind, 3.0, 2.0, 10.0, minDuration, hold, cooldown, 30, 0.05, 120, 10, 60);
            case MAD -> new DetectorSettings(kind, 3.5, 2.5, 12.0, minDuration, hold, cooldown, 30, 0.05, 120, 10, 60);
            case LEVEL_SHIFT -> new DetectorSettings(kind, 3.0, 1.5, 10.0, minDuration, hold, cooldown, 30, 0.05, 60, 10, 60);
            case ADAPTIVE -> adaptiveDefaults();
        };
    }

    /**
     * The adaptive detector's defaults, counted in intervals (1 s in the daemon, a row in
     * {@code backtest}): enter 5 (σ of each test's own learnt distribution), exit 3, critical 20;
     * opens on the first interval at or above enter (latency and error ratio: two, see
     * {@link SignalSettings#defaults}), closes after 5 below exit, then 120 intervals of cool-down
     * (one alert per change); 30 values of warm-up; level weight 0.02 per value; the tests' own
     * distributions learnt over 500 values; shift and spread tests over the last 12; after an event
     * the level is relearnt from the next 20 values. Chosen on the generated corpus of
     * {@code DetectionScoreTest} (results in benchmarks/RESULTS-detect.md), not on any public corpus.
     */
    static DetectorSettings adaptiveDefaults()
    {
        return new DetectorSettings(DetectorKind.ADAPTIVE, ADAPTIVE_ENTER, ADAPTIVE_EXIT, ADAPTIVE_CRITICAL,
            Duration.ofSeconds(ADAPTIVE_MIN_DURATION), Duration.ofSeconds(ADAPTIVE_HOLD), Duration.ofSeconds(ADAPTIVE_COOLDOWN),
            ADAPTIVE_WARMUP, ADAPTIVE_ALPHA, ADAPTIVE_WINDOW, ADAPTIVE_TEST_WINDOW, ADAPTIVE_RELEARN);
    }

    private static final double ADAPTIVE_ENTER = 5.0;
    private static final double ADAPTIVE_EXIT = 3.0;
    private static final double ADAPTIVE_CRITICAL = 20.0;
    private static final int ADAPTIVE_MIN_DURATION = 1;
    private static final int ADAPTIVE_HOLD = 5;
    private static final int ADAPTIVE_COOLDOWN = 120;
    private static final int ADAPTIVE_WARMUP = 30;
    private static final double ADAPTIVE_ALPHA = 0.02;
    private static final int ADAPTIVE_WINDOW = 500;
    private static final int ADAPTIVE_TEST_WINDOW = 12;
    private static final int ADAPTIVE_RELEARN = 20;

    /** A detector built from these settings for a signal whose spread never goes below {@code floor}. */
    public Detector newDetector(final Detector.ScaleFloor floor)
    {
        return newDetector(floor, Direction.BOTH);
    }

    /** As {@link #newDetector(Detector.ScaleFloor)}, for a signal watched in {@code direction}. */
    public Detector newDetector(final Detector.ScaleFloor floor, final Direction direction)
    {
        return switch (kind)
        {
            case ADAPTIVE -> new AdaptiveDetector(alpha, window, testWindow, warmup, enter, relearnAfter, direction, floor);
            case ZSCORE -> new EwmaZScoreDetector(alpha, warmup, enter, floor);
            case MAD -> new MedianMadDetector(window, warmup, enter, relearnAfter, floor);
            case LEVEL_SHIFT -> new LevelShiftDetector(testWindow, window, warmup, floor);
        };
    }

    /** Values needed before the first verdict (the level-shift detector also fills its test window). */
    public int valuesBeforeVerdict()
    {
        return kind == DetectorKind.LEVEL_SHIFT ? warmup + testWindow : warmup + 1;
    }

    public DetectorSettings withThresholds(final double enter, final double exit, final double critical)
    {
        return new DetectorSettings(kind, enter, exit, critical, minDuration, hold, cooldown, warmup, alpha, window,
            testWindow, relearnAfter);
    }

    public DetectorSettings withSuppression(final Duration minDuration, final Duration hold, final Duration cooldown)
    {
        return new DetectorSettings(kind, enter, exit, critical, minDuration, hold, cooldown, warmup, alpha, window,
            testWindow, relearnAfter);
    }

    public DetectorSettings withModel(
        final int warmup, final double alpha, final int window, final int testWindow, final int relearnAfter)
    {
        return new DetectorSettings(kind, enter, exit, critical, minDuration, hold, cooldown, warmup, alpha, window,
            testWindow, relearnAfter);
    }
}
