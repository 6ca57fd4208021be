package io.hotpath.agent.it;

import io.hotpath.agent.testapp.TestApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's pause readings in AGENT_STATS (drain wake-up lateness, GC pauses, safepoints, run-queue wait) rise when
 * its real JVM is stopped (SIGSTOP for 600 ms, then SIGCONT, sent by this test), when it collects (a second of
 * System.gc()) and when its own busy threads outnumber the CPUs (2.5 s).
 */
class JvmPauseIT
{
    private static final long STOP_MILLIS = 600;

    @TempDir
    Path temp;

    /** The test app in mode "pauses", its files in {@link #temp}. */
    private Process start() throws IOException
    {
        return new ProcessBuilder(ForkedJvm.command(ForkedJvm.java17(),
            "config=" + ForkedJvm.testAppRules() + ",spool.dir=" + temp.resolve("spool"),
            "-cp", ForkedJvm.testClasses().toString(), TestApp.class.getName(), "pauses", temp.resolve("stop").toString(),
            temp.resolve("gc").toString())).redirectError(temp.resolve("app.err").toFile()).start();
    }

    @Test
    void readingsRiseWhenTheJvmIsStoppedAndWhenItCollects() throws Exception
    {
        final Process app = start();
        final long stoppedAt;
        final long continuedAt;
        final long gcAt;
        final long gcDoneAt;
        final long starveAt;
        final long starveDoneAt;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8)))
        {
            assertEquals("ready", out.readLine());
            Thread.sleep(3000); // the queue opens, a few quiet seconds
            stoppedAt = System.currentTimeMillis();
            signal(app, "-STOP");
            Thread.sleep(STOP_MILLIS);
            continuedAt = System.currentTimeMillis();
            signal(app, "-CONT");
            Thread.sleep(3000);
            gcAt = System.currentTimeMillis();
            Files.createFile(temp.resolve("gc"));
            assertEquals("gc-done", out.readLine());
            gcDoneAt = System.currentTimeMillis();
            Thread.sleep(3000);
            starveAt = System.currentTimeMillis();
            Files.createFile(temp.resolve("starve"));
            assertEquals("starve-done", out.readLine());
            starveDoneAt = System.currentTimeMillis();
            Thread.sleep(3000);
            Files.createFile(temp.resolve("stop"));
            assertTrue(app.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, app.exitValue(), Files.readString(temp.resolve("app.err")));
        }
        finally
        {
            signal(app, "-CONT");
            app.destroyForcibly();
        }
        final SpoolReader reader = SpoolReader.read(SpoolReader.onlyQueue(temp.resolve("spool")));
        final List<SpoolReader.Stats> stats = reader.stats;
        assertTrue(stats.size() >= 8, stats.toString());
        SpoolReader.Stats previous = null;
        for (final SpoolReader.Stats s : stats)
        {
            // HotSpot on JDK 17 gives all three; the totals never fall
            assertTrue(s.drainLateNanos() >= 0 && s.gcPauseNanos() >= 0 && s.safepointNanos() >= 0 && s.runQueueWaitNanos() >= 0,
                s.toString());
            if (previous != null)
            {
                assertTrue(s.drainLateNanos() >= previous.drainLateNanos() && s.gcPauseNanos() >= previous.gcPauseNanos() &&
                    s.safepointNanos() >= previous.safepointNanos() && s.runQueueWaitNanos() >= previous.runQueueWaitNanos(),
                    previous + " then " + s);
            }
            previous = s;
        }

        // Stopped for 600 ms: the drain's first wake-up due in the stop (its parks are 200 ms at most) came late by
        // the rest of it, at least 400 ms; across the stop (from the record before it to one 1.5 s after) no more
        // than the span itself.
        final SpoolReader.Stats beforeStop = lastBefore(stats, stoppedAt);
        final SpoolReader.Stats afterStop = firstAfter(stats, continuedAt + 1500);
        final long stopLate = afterStop.drainLateNanos() - beforeStop.drainLateNanos();
        assertTrue(stopLate >= TimeUnit.MILLISECONDS.toNanos(STOP_MILLIS - 250), "drain woke late by " + stopLate + " ns across a " +
            STOP_MILLIS + " ms stop: " + beforeStop + " then " + afterStop);
        assertTrue(stopLate <= afterStop.timestampEpochNanos() - beforeStop.timestampEpochNanos(), stopLate + " ns");

        // A second of full collections: GC pause time rises, and safepoint time (which holds the GC pauses) with it.
        final SpoolReader.Stats beforeGc = lastBefore(stats, gcAt);
        final SpoolReader.Stats afterGc = firstAfter(stats, gcDoneAt + 1500);
        final long gcPause = afterGc.gcPauseNanos() - beforeGc.gcPauseNanos();
        final long safepoints = afterGc.safepointNanos() - beforeGc.safepointNanos();
        assertTrue(gcPause >= TimeUnit.MILLISECONDS.toNanos(20), "GC pauses grew by " + gcPause + " ns: " + beforeGc + " then " + afterGc);
        assertTrue(safepoints >= gcPause / 2, "safepoints grew by " + safepoints + " ns, GC pauses by " + gcPause);

        // 2.5 s of more spinning threads than CPUs: the most starved thread waited for a CPU most of each second.
        final SpoolReader.Stats beforeStarve = lastBefore(stats, starveAt);
        final SpoolReader.Stats afterStarve = firstAfter(stats, starveDoneAt + 1500);
        final long starved = afterStarve.runQueueWaitNanos() - beforeStarve.runQueueWaitNanos();
        assertTrue(starved >= TimeUnit.MILLISECONDS.toNanos(500), "run-queue wait grew by " + starved + " ns: " + beforeStarve +
            " then " + afterStarve);
        System.out.printf("stop %d ms: drain late %.1f ms; gc storm: gc pauses %.1f ms, safepoints %.1f ms; starved 2.5 s: " +
            "run-queue wait %.1f ms, drain late %.1f ms%n", STOP_MILLIS, stopLate / 1e6, gcPause / 1e6, safepoints / 1e6, starved / 1e6,
            (afterStarve.drainLateNanos() - beforeStarve.drainLateNanos()) / 1e6);
    }

    private static void signal(final Process app, final String signal) throws IOException, InterruptedException
    {
        if (app.isAlive())
        {
            assertEquals(0, new ProcessBuilder("kill", signal, Long.toString(app.pid())).start().waitFor());
        }
    }

    private static SpoolReader.Stats lastBefore(final List<SpoolReader.Stats> stats, final long epochMillis)
    {
        SpoolReader.Stats last = null;
        for (final SpoolReader.Stats s : stats)
        {
            if (s.timestampEpochNanos() < epochMillis * 1_000_000L)
            {
                last = s;
            }
        }
        assertTrue(last != null, "no AGENT_STATS before " + epochMillis + ": " + stats);
        return last;
    }

    private static SpoolReader.Stats firstAfter(final List<SpoolReader.Stats> stats, final long epochMillis)
    {
        for (final SpoolReader.Stats s : stats)
        {
            if (s.timestampEpochNanos() >= epochMillis * 1_000_000L)
            {
                return s;
            }
        }
        throw new AssertionError("no AGENT_STATS after " + epochMillis + ": " + stats);
    }
}
