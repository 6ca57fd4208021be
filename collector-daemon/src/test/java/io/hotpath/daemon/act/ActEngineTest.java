package io.hotpath.daemon.act;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.act.action.RemediationConfig;
import io.hotpath.daemon.act.alert.AlertingConfig;
import io.hotpath.daemon.act.incident.IncidentsConfig;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActEngineTest
{
    private static final long TICK_MILLIS = 50;

    @TempDir
    Path state;

    @Test
    void anIdleEngineTicksEveryFewSecondsAndAnOpenIncidentBringsTheConfiguredTickBack() throws Exception
    {
        try (ActEngine engine = new ActEngine(new AlertingConfig(), new IncidentsConfig(), new RemediationConfig(), state, TICK_MILLIS))
        {
            engine.start();
            awaitTicks(engine, 1); // the first at the configured pace: detections open across a restart
            final long idleFrom = engine.ticks();
            Thread.sleep(1_500); // 30 ticks at the configured pace
            assertTrue(engine.ticks() - idleFrom <= 1, "nothing open: at most one tick in 1.5 s, saw " + (engine.ticks() - idleFrom));

            engine.sink().accept(IncidentBookTest.event("g:1", "g", "critical", true));
            final long busyFrom = engine.ticks();
            // at the idle pace 10 ticks take 50 s; at the configured one, 0.5 s
            awaitTicks(engine, busyFrom + 10);
            assertEquals(1, engine.openIncidents());

            engine.sink().accept(IncidentBookTest.event("g:1", "g", "critical", false));
            awaitOpen(engine, 0);
            awaitTicks(engine, engine.ticks() + 1); // the tick that sees nothing open schedules an idle one
            final long quietFrom = engine.ticks();
            Thread.sleep(1_500);
            assertTrue(engine.ticks() - quietFrom <= 1, "resolved: back to the idle pace, saw " + (engine.ticks() - quietFrom));
        }
    }

    @Test
    void closingDoesNotWaitForThePendingIdleTick() throws Exception
    {
        final ActEngine engine = new ActEngine(new AlertingConfig(), new IncidentsConfig(), new RemediationConfig(), state, TICK_MILLIS);
        engine.start();
        awaitTicks(engine, 1);
        final long start = System.nanoTime();
        engine.close();
        final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < ActEngine.IDLE_TICK_MILLIS - 1_000, "close() took " + millis + " ms: it waited for the idle tick");
    }

    private static void awaitTicks(final ActEngine engine, final long ticks) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (engine.ticks() < ticks)
        {
            assertTrue(System.nanoTime() < deadline, "ticks " + engine.ticks() + ", waited for " + ticks);
            Thread.sleep(10);
        }
    }

    private static void awaitOpen(final ActEngine engine, final int open) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (engine.openIncidents() != open)
        {
            assertTrue(System.nanoTime() < deadline, "open incidents " + engine.openIncidents() + ", waited for " + open);
            Thread.sleep(10);
        }
    }
}
