package io.hotpath.daemon.slo;

import io.hotpath.wire.config.Durations;
import java.time.Duration;
import java.util.List;

/**
 * One multi-window burn-rate alert of the Google SRE workbook ("Alerting on SLOs", table 5-8): it
 * fires while the error budget burns faster than {@code factor} times the sustainable rate over
 * both the long window and the short one. The long window makes it significant, the short one
 * makes it stop soon after the burning stops.
 *
 * @param severity    {@code page} or {@code ticket}
 * @param longWindow  e.g. 1h
 * @param shortWindow e.g. 5m, shorter than the long window
 * @param factor      burn rate threshold, e.g. 14.4 (2 % of a 30-day budget in one hour)
 */
public record BurnRateAlert(String severity, Duration longWindow, Duration shortWindow, double factor)
{
    public static final String PAGE = "page";
    public static final String TICKET = "ticket";

    /** The workbook's recommendation for a 30-day SLO. */
    public static final List<BurnRateAlert> WORKBOOK = List.of(
        new BurnRateAlert(PAGE, Duration.ofHours(1), Duration.ofMinutes(5), 14.4),
        new BurnRateAlert(PAGE, Duration.ofHours(6), Duration.ofMinutes(30), 6),
        new BurnRateAlert(TICKET, Duration.ofDays(1), Duration.ofHours(2), 3),
        new BurnRateAlert(TICKET, Duration.ofDays(3), Duration.ofHours(6), 1));

    public BurnRateAlert
    {
        if (!PAGE.equals(severity) && !TICKET.equals(severity))
        {
            throw new IllegalArgumentException("severity must be page or ticket, got " + severity);
        }
        if (shortWindow.compareTo(longWindow) >= 0)
        {
            throw new IllegalArgumentException("short window " + Durations.format(shortWindow)
                + " must be shorter than the long window " + Durations.format(longWindow));
        }
        if (!(factor > 0))
        {
            throw new IllegalArgumentException("factor must be > 0, got " + factor);
        }
    }

    /** The error ratio above which both windows must be: factor × (1 − target). */
    public double errorRatioThreshold(final double target)
    {
        return factor * (1 - target);
    }
}
