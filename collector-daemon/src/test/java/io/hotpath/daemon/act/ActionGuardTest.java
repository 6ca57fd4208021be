package io.hotpath.daemon.act;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.act.action.ActionGuard;
import io.hotpath.daemon.act.action.ActionGuard.Outcome;
import io.hotpath.daemon.act.action.ActionGuard.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The guardrail state machine, on times given by the test. */
class ActionGuardTest
{
    private static final long MINUTE = 60_000;

    @Test
    void theSwitchComesFirstThenTheBreakerThenTheLimitThenBusyThenCooldown()
    {
        final ActionGuard guard = new ActionGuard(2, 60 * MINUTE, 10 * MINUTE, 1);
        assertEquals(Verdict.SWITCHED_OFF, guard.check("a", 0, false));
        assertEquals(Verdict.ALLOWED, guard.check("a", 0, true));
        guard.started("a", 0);
        assertEquals(Verdict.BUSY, guard.check("a", 1, true), "one at a time per target");
        assertEquals(Verdict.ALLOWED, guard.check("b", 1, true), "another target is not busy");
        guard.finished("a", Outcome.RECOVERED);
        assertEquals(Verdict.COOLDOWN, guard.check("a", 5 * MINUTE, true));
        assertEquals(Verdict.ALLOWED, guard.check("a", 10 * MINUTE, true), "cooldown over");
        guard.started("b", 11 * MINUTE);
        guard.finished("b", Outcome.RECOVERED);
        assertEquals(Verdict.RATE_LIMITED, guard.check("c", 12 * MINUTE, true), "2 runs in the hour");
        assertEquals(Verdict.ALLOWED, guard.check("c", 60 * MINUTE + 1, true), "the first run left the window");
        guard.started("c", 61 * MINUTE);
        guard.finished("c", Outcome.FAILED);
        assertTrue(guard.breakerOpen());
        assertEquals(Verdict.BREAKER_OPEN, guard.check("d", 500 * MINUTE, true));
        assertEquals(Verdict.SWITCHED_OFF, guard.check("d", 500 * MINUTE, false));
    }

    @Test
    void theBreakerCountsFailuresInARowAndDryRunsDoNotCount()
    {
        final ActionGuard guard = new ActionGuard(100, MINUTE, 0, 3);
        long now = 0;
        for (final Outcome outcome : List.of(Outcome.FAILED, Outcome.FAILED, Outcome.RECOVERED, Outcome.FAILED, Outcome.NOT_JUDGED,
            Outcome.FAILED))
        {
            assertEquals(Verdict.ALLOWED, guard.check("t", now, true));
            guard.started("t", now);
            guard.finished("t", outcome);
            now += 1000;
        }
        assertFalse(guard.breakerOpen(), "a recovery reset the count; a dry run is not judged");
        assertEquals(2, guard.failuresInARow());
        guard.started("t", now);
        guard.finished("t", Outcome.FAILED);
        assertTrue(guard.breakerOpen());
    }

    /**
     * A flapping trigger: 5000 triggers over 10 hours on 3 targets, random outcomes. However the
     * triggers fall, no sliding window ever holds more than max-runs starts, and no target has two
     * runs at once.
     */
    @Test
    void noStormWhateverTheFlapping()
    {
        final Random random = new Random(15);
        final int maxRuns = 3;
        final long window = 60 * MINUTE;
        final ActionGuard guard = new ActionGuard(maxRuns, window, 2 * MINUTE, 1_000_000);
        final List<Long> starts = new ArrayList<>();
        final String[] busy = new String[3];
        final long[] busyUntil = new long[3];
        long now = 0;
        for (int i = 0; i < 5000; i++)
        {
            now += random.nextInt(15_000);
            for (int t = 0; t < 3; t++)
            {
                if (busy[t] != null && now >= busyUntil[t])
                {
                    guard.finished(busy[t], random.nextBoolean() ? Outcome.FAILED : Outcome.RECOVERED);
                    busy[t] = null;
                }
            }
            final int target = random.nextInt(3);
            if (guard.check("t" + target, now, true) == Verdict.ALLOWED)
            {
                assertEquals(null, busy[target], "two runs at once on t" + target);
                guard.started("t" + target, now);
                starts.add(now);
                busy[target] = "t" + target;
                busyUntil[target] = now + random.nextInt(5 * 60_000);
            }
        }
        assertTrue(starts.size() >= 20, starts.size() + " runs");
        for (int i = 0; i < starts.size(); i++)
        {
            int inWindow = 0;
            for (int j = i; j < starts.size() && starts.get(j) < starts.get(i) + window; j++)
            {
                inWindow++;
            }
            assertTrue(inWindow <= maxRuns, inWindow + " runs in the hour from " + starts.get(i));
        }
    }
}
