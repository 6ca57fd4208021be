package io.hotpath.daemon.detect;

import static io.hotpath.daemon.detect.EventSuppressor.Transition.CLOSED;
import static io.hotpath.daemon.detect.EventSuppressor.Transition.NONE;
import static io.hotpath.daemon.detect.EventSuppressor.Transition.OPENED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class EventSuppressorTest
{
    /** enter 3, exit 2, critical 6, min duration 3 s, hold 5 s, cooldown 20 s. */
    private static EventSuppressor suppressor()
    {
        final DetectorSettings settings = DetectorSettings.defaults(DetectorKind.ZSCORE)
            .withThresholds(3, 2, 6)
            .withSuppression(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(20));
        return new EventSuppressor(settings, 1000);
    }

    /** Steps scores at t = 0, 1, 2 ... seconds; returns the transitions. */
    private static List<EventSuppressor.Transition> feed(final EventSuppressor suppressor, final double... scores)
    {
        final List<EventSuppressor.Transition> transitions = new ArrayList<>();
        for (int i = 0; i < scores.length; i++)
        {
            transitions.add(suppressor.step(i * 1000L, scores[i]));
        }
        return transitions;
    }

    @Test
    void opensOnlyAfterTheMinimumDurationAboveEnter()
    {
        final EventSuppressor suppressor = suppressor();
        final List<EventSuppressor.Transition> t = feed(suppressor, 4, 4, 1, 4, 4, 4);
        assertEquals(List.of(NONE, NONE, NONE, NONE, NONE, OPENED), t, "two seconds are not enough, three are");
        assertEquals(3000, suppressor.eventStart());
        assertEquals(Severity.WARNING, suppressor.severity());
    }

    @Test
    void criticalScoreOpensAtOnce()
    {
        final EventSuppressor suppressor = suppressor();
        assertEquals(List.of(NONE, OPENED), feed(suppressor, 1, 7));
        assertEquals(Severity.CRITICAL, suppressor.severity());
        assertEquals(7.0, suppressor.peak(), 0.0);
    }

    @Test
    void aCriticalScoreOnTooFewCallsWaitsForTheMinimumDurationButIsStillCritical()
    {
        final EventSuppressor suppressor = suppressor();
        assertEquals(NONE, suppressor.step(0, 1, false));
        assertEquals(NONE, suppressor.step(1000, 50, false), "one value on few calls: not at once");
        assertEquals(NONE, suppressor.step(2000, 1, false), "and a blip it stays");
        assertEquals(NONE, suppressor.step(3000, 50, false));
        assertEquals(NONE, suppressor.step(4000, 50, false));
        assertEquals(OPENED, suppressor.step(5000, 50, false), "three seconds above enter, as any event");
        assertEquals(Severity.CRITICAL, suppressor.severity());
    }

    @Test
    void hysteresisKeepsTheEventOpenBetweenExitAndEnter()
    {
        final EventSuppressor suppressor = suppressor();
        final List<EventSuppressor.Transition> t = feed(suppressor, 4, 4, 4, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5);
        assertEquals(OPENED, t.get(2));
        assertTrue(t.subList(3, t.size()).stream().allMatch(x -> x == NONE));
        assertTrue(suppressor.active());
    }

    @Test
    void closesAfterHoldBelowExitAndReportsTheEndOfTheLastAnomalousInterval()
    {
        final EventSuppressor suppressor = suppressor();
        // Open at 2, last >= exit at 3, quiet from 4; closes when 5 s passed since 3, i.e. at 8.
        final List<EventSuppressor.Transition> t = feed(suppressor, 4, 4, 4, 2.5, 1, 1, 1, 1, 1, 1);
        assertEquals(OPENED, t.get(2));
        assertEquals(CLOSED, t.get(8));
        assertEquals(0, suppressor.eventStart());
        assertEquals(4000, suppressor.eventEnd());
        assertFalse(suppressor.active());
    }

    @Test
    void flapsShorterThanHoldAreOneEvent()
    {
        final EventSuppressor suppressor = suppressor();
        final double[] scores = new double[60];
        for (int i = 0; i < 50; i++)
        {
            scores[i] = i % 7 < 4 ? 5 : 0.5; // 4 s on, 3 s off
        }
        final List<EventSuppressor.Transition> t = feed(suppressor, scores);
        assertEquals(1, t.stream().filter(x -> x == OPENED).count());
        assertEquals(1, t.stream().filter(x -> x == CLOSED).count());
    }

    @Test
    void cooldownSuppressesTheNextRunAndCountsIt()
    {
        final EventSuppressor suppressor = suppressor();
        // Event 0..2, closes at 7 (hold 5 after 2); cooldown until 27. A run at 10..14 is suppressed,
        // a run at 30..32 opens a new event.
        final double[] scores = new double[40];
        for (int i = 0; i < 3; i++)
        {
            scores[i] = 4;
        }
        for (int i = 10; i < 15; i++)
        {
            scores[i] = 4;
        }
        for (int i = 30; i < 33; i++)
        {
            scores[i] = 4;
        }
        final List<EventSuppressor.Transition> t = feed(suppressor, scores);
        assertEquals(OPENED, t.get(2));
        assertEquals(CLOSED, t.get(7));
        assertTrue(t.subList(8, 30).stream().allMatch(x -> x == NONE));
        assertEquals(1, suppressor.suppressedRuns());
        assertEquals(OPENED, t.get(32));
    }

    @Test
    void nanIsQuietAndResetsAPendingRun()
    {
        final EventSuppressor suppressor = suppressor();
        assertEquals(List.of(NONE, NONE, NONE, NONE, NONE), feed(suppressor, 4, 4, Double.NaN, 4, 4));
        final EventSuppressor open = suppressor();
        final List<EventSuppressor.Transition> t =
            feed(open, 4, 4, 4, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        assertEquals(CLOSED, t.get(7), "no data for the hold period closes the event");
    }
}
