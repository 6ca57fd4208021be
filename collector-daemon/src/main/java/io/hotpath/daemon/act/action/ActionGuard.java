package io.hotpath.daemon.act.action;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The guardrails of one action, as a plain state machine over times the caller passes in (so it is
 * tested without clocks and rebuilt from the timeline after a restart). Single-threaded.
 *
 * <pre>
 *  check ─► ALLOWED ─► started(target) ─► [running, verifying: target busy] ─► finished(target, outcome)
 *                                                      outcome failed ×K in a row ─► breaker open
 * </pre>
 * In the order checked: the global switch, the breaker, the window limit (at most {@code max-runs}
 * starts per {@code window}, dry runs included), one run at a time per target, the per-target
 * cooldown after a start.
 */
public final class ActionGuard
{
    /** Why a run may not start now; {@link #ALLOWED} when it may. */
    public enum Verdict
    {
        ALLOWED("allowed"), SWITCHED_OFF("switched_off"), BREAKER_OPEN("breaker_open"), RATE_LIMITED("rate_limited"),
        BUSY("busy"), COOLDOWN("cooldown");

        private final String label;

        Verdict(final String label)
        {
            this.label = label;
        }

        public String label()
        {
            return label;
        }
    }

    /** How a run ended, for the breaker. */
    public enum Outcome { RECOVERED, FAILED, NOT_JUDGED }

    private final int maxRuns;
    private final long windowMillis;
    private final long cooldownMillis;
    private final int breakerFailures;
    private final ArrayDeque<Long> starts = new ArrayDeque<>();
    private final Map<String, Long> lastStartByTarget = new HashMap<>();
    private final Map<String, Integer> busyTargets = new HashMap<>();
    private int failuresInARow;
    private boolean breakerOpen;

    public ActionGuard(final int maxRuns, final long windowMillis, final long cooldownMillis, final int breakerFailures)
    {
        this.maxRuns = maxRuns;
        this.windowMillis = windowMillis;
        this.cooldownMillis = cooldownMillis;
        this.breakerFailures = breakerFailures;
    }

    public static ActionGuard of(final ActionConfig action)
    {
        return new ActionGuard(action.maxRuns(), action.windowMillis(), action.cooldownMillis(), action.breakerFailures());
    }

    public Verdict check(final String target, final long now, final boolean switchedOn)
    {
        if (!switchedOn)
        {
            return Verdict.SWITCHED_OFF;
        }
        if (breakerOpen)
        {
            return Verdict.BREAKER_OPEN;
        }
        while (!starts.isEmpty() && starts.peekFirst() <= now - windowMillis)
        {
            starts.removeFirst();
        }
        if (starts.size() >= maxRuns)
        {
            return Verdict.RATE_LIMITED;
        }
        if (busyTargets.containsKey(target))
        {
            return Verdict.BUSY;
        }
        final Long last = lastStartByTarget.get(target);
        if (last != null && now < last + cooldownMillis)
        {
            return Verdict.COOLDOWN;
        }
        return Verdict.ALLOWED;
    }

    /** A run on {@code target} started at {@code now} (call only after {@link Verdict#ALLOWED}, or when replaying). */
    public void started(final String target, final long now)
    {
        starts.addLast(now);
        lastStartByTarget.put(target, now);
        busyTargets.merge(target, 1, Integer::sum);
    }

    /** The run on {@code target} is over: recovered, failed (counts towards the breaker) or not judged (dry run). */
    public void finished(final String target, final Outcome outcome)
    {
        busyTargets.computeIfPresent(target, (t, n) -> n <= 1 ? null : n - 1);
        if (outcome == Outcome.RECOVERED)
        {
            failuresInARow = 0;
        }
        else if (outcome == Outcome.FAILED && ++failuresInARow >= breakerFailures)
        {
            breakerOpen = true;
        }
    }

    public boolean breakerOpen()
    {
        return breakerOpen;
    }

    public int failuresInARow()
    {
        return failuresInARow;
    }

    /** Starts within the window ending at {@code now}. */
    public int runsInWindow(final long now)
    {
        int count = 0;
        for (final long start : starts)
        {
            if (start > now - windowMillis)
            {
                count++;
            }
        }
        return count;
    }
}
