package io.hotpath.daemon.state;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The checkpoint capture rule: every interval only at high rates (or when asked), else every 10 s. */
class CheckpointCadenceTest
{
    private static final long T0 = 1_800_000_000_000L;

    @Test
    void theFirstCaptureIsAtOnce()
    {
        assertTrue(new CheckpointCadence(1000).due(T0, 0, false));
    }

    @Test
    void atLowRatesEveryTenSecondsNotEverySecond()
    {
        final CheckpointCadence cadence = capturedAtT0(1000, 0);
        long samples = 0;
        for (int second = 1; second < 10; second++)
        {
            samples += 1000; // 1 000 samples/s
            assertFalse(cadence.due(T0 + second * 1000L, samples, false), "second " + second);
        }
        samples += 1000;
        assertTrue(cadence.due(T0 + 10_000, samples, false), "10 s after the last");
        cadence.captured(T0 + 10_000, samples);
        assertFalse(cadence.due(T0 + 11_000, samples + 1000, false));
    }

    @Test
    void quietQueuesAreCapturedEveryTenSecondsToo()
    {
        final CheckpointCadence cadence = capturedAtT0(1000, 7);
        assertFalse(cadence.due(T0 + 9_999, 7, false));
        assertTrue(cadence.due(T0 + 10_000, 7, false));
    }

    @Test
    void atHighRatesEveryInterval()
    {
        final long n = CheckpointCadence.SAMPLES_PER_CAPTURE;
        final CheckpointCadence cadence = capturedAtT0(1000, 0);
        assertFalse(cadence.due(T0 + 999, n, false), "never sooner than the interval");
        assertTrue(cadence.due(T0 + 1000, n, false));
        cadence.captured(T0 + 1000, n);
        assertFalse(cadence.due(T0 + 2000, 2 * n - 1, false), "counted since the last capture");
        assertTrue(cadence.due(T0 + 3000, 2 * n, false));
    }

    @Test
    void everyIntervalWhenAskedButNeverSoonerAndALongerIntervalWins()
    {
        assertFalse(capturedAtT0(1000, 0).due(T0 + 500, 0, true));
        assertTrue(capturedAtT0(1000, 0).due(T0 + 1000, 0, true));
        final CheckpointCadence slow = capturedAtT0(30_000, 0);
        assertFalse(slow.due(T0 + 10_000, 10 * CheckpointCadence.SAMPLES_PER_CAPTURE, true));
        assertTrue(slow.due(T0 + 30_000, 1, false));
    }

    private static CheckpointCadence capturedAtT0(final long intervalMillis, final long samples)
    {
        final CheckpointCadence cadence = new CheckpointCadence(intervalMillis);
        cadence.captured(T0, samples);
        return cadence;
    }
}
