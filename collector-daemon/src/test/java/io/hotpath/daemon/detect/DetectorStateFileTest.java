package io.hotpath.daemon.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.Arrays;

/**
 * The learnt state across a restart: an engine restored from the file scores the next intervals
 * exactly as the engine that saved it would, keeps its event counts, and a missing, truncated,
 * corrupt or other-version file is counted and means learning again, never an exception.
 */
class DetectorStateFileTest
{
    private static final long T0 = 1_767_225_600_000L;
    private static final String KEY = "demo/transport_send{transport=\"quic\"}";

    @TempDir
    Path dir;

    private static Map<String, String> labels()
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        labels.put("service", "demo");
        labels.put("metric", "transport_send");
        labels.put("transport", "quic");
        return labels;
    }

    /** 100 calls/s at about 20 ms, 60 ms from {@code shiftAt} for 30 s. */
    private static FakeInterval interval(final Random random, final int second, final int shiftAt)
    {
        final boolean slow = second >= shiftAt && second < shiftAt + 30;
        final long nanos = (long)((slow ? 60e6 : 20e6) * (1 + 0.05 * random.nextGaussian()));
        return FakeInterval.uniform(KEY, labels(), T0 + second * 1000L, 100 + random.nextInt(20), 0, nanos);
    }

    @Test
    void aRestoredEngineCarriesOnWhereTheSavedOneStopped() throws Exception
    {
        final DetectorStateFile file = new DetectorStateFile(dir);
        final AnomalyEngine before = new AnomalyEngine(AnomalySettings.defaults());
        final Random random = new Random(3);
        final List<FakeInterval> intervals = new ArrayList<>();
        for (int s = 0; s < 400; s++)
        {
            intervals.add(interval(random, s, 150));
        }
        for (int s = 0; s < 300; s++)
        {
            before.onInterval(intervals.get(s));
        }
        assertEquals(1, before.eventsOpened(), "the shift at 150 s opened one event");
        file.onCheckpoint(before, T0 + 300_000, true, Runnable::run);
        assertEquals(1, file.stats().writes());
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.file())));

        final AnomalyEngine after = new AnomalyEngine(AnomalySettings.defaults());
        final DetectorStateFile reread = new DetectorStateFile(dir);
        reread.restore(after);
        assertEquals(1, reread.stats().seriesRestored());
        assertEquals(0, reread.stats().restoreFailures());
        assertEquals(1, after.eventsOpened());
        assertEquals(before.incidents().opened(), after.incidents().opened());
        assertTrue(AnomalyExposition.text(after).contains("hotpath_anomalies_total{service=\"demo\",metric=\"transport_send\","
            + "transport=\"quic\",signal=\"latency_p99\",detector=\"adaptive\",severity="), AnomalyExposition.text(after));
        // An interval already seen before the save is skipped, not learnt twice.
        after.onInterval(intervals.get(299));
        for (int s = 300; s < 400; s++)
        {
            before.onInterval(intervals.get(s));
            after.onInterval(intervals.get(s));
            for (final AnomalyEngine.Score score : after.currentScores())
            {
                final double expected = before.currentScores().stream()
                    .filter(b -> b.signal() == score.signal() && b.detector() == score.detector())
                    .findFirst().orElseThrow().score();
                assertEquals(expected, score.score(), 1e-12, "second " + s + " " + score.signal());
            }
        }
    }

    /** A version-1 file (hotpathd before stalls were counted: no stall section) is still read. */
    @Test
    void aVersionOneFileIsStillRead() throws Exception
    {
        final DetectorStateFile file = new DetectorStateFile(dir);
        final AnomalyEngine engine = new AnomalyEngine(AnomalySettings.defaults());
        final Random random = new Random(7);
        for (int s = 0; s < 60; s++)
        {
            engine.onInterval(interval(random, s, 1000));
        }
        file.onCheckpoint(engine, T0 + 60_000, true, Runnable::run);
        final byte[] current = Files.readAllBytes(file.file());
        // The stall section of one service with no stall: count 1, "demo" (2 + 4 bytes), 0 stalls.
        final int stallSection = 4 + 2 + 4 + 8;
        final ByteBuffer old = ByteBuffer.allocate(current.length - stallSection);
        old.put(current, 0, current.length - 8 - stallSection);
        old.putInt(4, 1);
        old.putLong(DetectorStateFile.crc(old.array(), old.position()));
        Files.write(file.file(), old.array());

        final AnomalyEngine after = new AnomalyEngine(AnomalySettings.defaults());
        final DetectorStateFile reread = new DetectorStateFile(dir);
        reread.restore(after);
        assertEquals(0, reread.stats().restoreFailures());
        assertEquals(1, reread.stats().seriesRestored());
    }

    @Test
    void aBadFileIsCountedAndMeansLearningAgain() throws Exception
    {
        final DetectorStateFile file = new DetectorStateFile(dir);
        final AnomalyEngine engine = new AnomalyEngine(AnomalySettings.defaults());
        file.restore(engine); // missing: fine, not a failure
        assertEquals(0, file.stats().restoreFailures());
        final Random random = new Random(5);
        for (int s = 0; s < 60; s++)
        {
            engine.onInterval(interval(random, s, 1000));
        }
        file.onCheckpoint(engine, T0 + 60_000, true, Runnable::run);
        final byte[] good = Files.readAllBytes(file.file());

        final byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        final byte[] otherVersion = good.clone();
        otherVersion[7] = 9;
        final List<byte[]> bad = List.of(new byte[0], new byte[] { 1, 2, 3 }, Arrays.copyOf(good, good.length - 9), flipped,
            otherVersion, "{\"not\": \"ours\"}".getBytes());
        long failures = 0;
        for (final byte[] bytes : bad)
        {
            Files.write(file.file(), bytes);
            final AnomalyEngine fresh = new AnomalyEngine(AnomalySettings.defaults());
            final DetectorStateFile reader = new DetectorStateFile(dir);
            reader.restore(fresh);
            assertEquals(1, reader.stats().restoreFailures(), "counted");
            assertEquals(0, fresh.seriesWatched(), "nothing half-restored");
            fresh.onInterval(interval(random, 61, 1000)); // and it works
            assertEquals(1, fresh.seriesWatched());
            failures++;
        }
        assertEquals(bad.size(), failures);
    }
}
