package io.hotpath.daemon.slo;

import io.hotpath.wire.config.Durations;
import java.time.Duration;
import java.util.List;

/**
 * An SLO's state at one moment, computed on the aggregation thread and published whole, so that
 * scrapes and {@code /api/slos} read a consistent set of numbers without locks or work.
 *
 * @param computedAtMillis end of the last interval counted, epoch milliseconds
 * @param windows          per window, shortest first
 * @param budgetConsumed   bad fraction over the SLO window divided by the allowed bad fraction
 *                         (1 − target); above 1 the budget is overspent; 0 without events
 * @param budgetRemaining  1 − budgetConsumed (negative when overspent)
 * @param goodEvents       good events since the counters began (persisted across restarts)
 * @param badEvents        bad events since the counters began
 * @param seriesMatched    series currently feeding the SLO
 * @param dataSinceMillis  start of the first minute counted, or {@link Long#MIN_VALUE}
 */
public record SloStatus(
    SloDefinition slo,
    long computedAtMillis,
    List<WindowStatus> windows,
    double budgetConsumed,
    double budgetRemaining,
    List<AlertStatus> alerts,
    long goodEvents,
    long badEvents,
    int seriesMatched,
    long dataSinceMillis)
{
    /**
     * Events of one window. Counts are fractional when the window's oldest hour is pro-rated.
     *
     * @param errorBudget 1 − target, to express the error ratio as a burn rate
     */
    public record WindowStatus(Duration window, double good, double total, double errorBudget)
    {
        /** good / total; NaN without events. */
        public double sliRatio()
        {
            return total > 0 ? good / total : Double.NaN;
        }

        /** (total − good) / total; NaN without events. */
        public double errorRatio()
        {
            return total > 0 ? (total - good) / total : Double.NaN;
        }

        /** How many times faster than sustainable the budget burns: errorRatio / (1 − target); NaN without events. */
        public double burnRate()
        {
            return errorRatio() / errorBudget;
        }
    }

    /** One burn-rate alert: active while both windows burn faster than its factor. */
    public record AlertStatus(BurnRateAlert alert, double longBurnRate, double shortBurnRate, boolean active)
    {
    }

    public WindowStatus window(final Duration window)
    {
        for (final WindowStatus status : windows)
        {
            if (status.window().equals(window))
            {
                return status;
            }
        }
        throw new IllegalArgumentException("no window " + Durations.format(window) + " in SLO " + slo.name());
    }
}
