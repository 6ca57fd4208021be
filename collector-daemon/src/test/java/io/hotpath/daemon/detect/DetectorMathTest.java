package io.hotpath.daemon.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Known inputs, hand-computed verdicts. */
class DetectorMathTest
{
    private static final Detector.ScaleFloor NO_FLOOR = new Detector.ScaleFloor(0, 0);

    @Test
    void ewmaZScoreWarmsUpThenScoresAndWinsorizesWhatItLearns()
    {
        final EwmaZScoreDetector detector = new EwmaZScoreDetector(0.5, 2, 3.0, NO_FLOOR);
        assertTrue(Double.isNaN(detector.observe(10)), "first value only seeds the mean");
        // Warm-up: weight max(0.5, 1/2); diff 2, mean 11, variance 0.5 * (0 + 2 * 1) = 1.
        assertTrue(Double.isNaN(detector.observe(12)));
        assertEquals(11.0, detector.baseline(), 1e-12);
        assertEquals(1.0, detector.standardDeviation(), 1e-12);
        // (14 - 11) / 1 = 3; learnt in full: mean 12.5, variance 0.5 * (1 + 3 * 1.5) = 2.75.
        assertEquals(3.0, detector.observe(14), 1e-12);
        assertEquals(12.5, detector.baseline(), 1e-12);
        assertEquals(Math.sqrt(2.75), detector.standardDeviation(), 1e-12);
        // A spike of 100: scored in full, learnt clipped to 12.5 + 3 * sqrt(2.75).
        final double sigma = Math.sqrt(2.75);
        assertEquals((100 - 12.5) / sigma, detector.observe(100), 1e-9);
        assertEquals(12.5 + 0.5 * 3 * sigma, detector.baseline(), 1e-9);
        assertTrue(detector.baseline() < 15.0, "the spike moved the mean by 1.5 sigma, not by 43.75");
    }

    @Test
    void ewmaZScoreUsesTheFloorWhenTheSeriesIsFlat()
    {
        final EwmaZScoreDetector detector = new EwmaZScoreDetector(0.1, 3, 3.0, new Detector.ScaleFloor(0.01, 0.0));
        for (int i = 0; i < 10; i++)
        {
            detector.observe(0.0);
        }
        // Variance 0: the 0.01 floor is the scale, so 0.05 scores 5 rather than infinity.
        assertEquals(5.0, detector.observe(0.05), 1e-9);
    }

    @Test
    void relativeFloorScalesWithTheBaseline()
    {
        final Detector.ScaleFloor floor = new Detector.ScaleFloor(0.001, 0.05);
        assertEquals(0.005, floor.apply(0.0001, 0.1), 1e-15);
        assertEquals(0.001, floor.apply(0.0, 0.0), 1e-15);
        assertEquals(0.02, floor.apply(0.02, 0.1), 1e-15);
    }

    @Test
    void medianMadScoresRobustlyAndKeepsOutliersOutOfItsWindow()
    {
        final MedianMadDetector detector = new MedianMadDetector(5, 5, 3.5, 2, NO_FLOOR);
        for (int v = 1; v <= 5; v++)
        {
            assertTrue(Double.isNaN(detector.observe(v)));
        }
        // Window 1..5: median 3, MAD 1, scale 1.4826.
        assertEquals(3.0, detector.baseline(), 0.0);
        assertEquals(1.4826, detector.scale(), 1e-12);
        assertEquals(7 / 1.4826, detector.observe(10), 1e-9);
        // 10 was kept out: the baseline did not move.
        assertEquals(3.0, detector.baseline(), 0.0);
        assertEquals(1.4826, detector.scale(), 1e-12);
        // A normal value is learnt: window 2 3 4 5 3, median 3, deviations 1 0 1 2 0, MAD 1.
        assertEquals(0.0, detector.observe(3), 0.0);
        assertEquals(3.0, detector.baseline(), 0.0);
    }

    @Test
    void medianMadRelearnsAfterTooManyConsecutiveOutliers()
    {
        final MedianMadDetector detector = new MedianMadDetector(5, 5, 3.5, 2, NO_FLOOR);
        for (int v = 1; v <= 5; v++)
        {
            detector.observe(v);
        }
        detector.observe(10);
        detector.observe(10);
        assertEquals(3.0, detector.baseline(), 0.0, "two outliers kept out");
        detector.observe(10);
        // The third consecutive one is learnt: window 2 3 4 5 10, median 4.
        assertEquals(4.0, detector.baseline(), 0.0);
        detector.observe(10);
        detector.observe(10);
        // Window 4 5 10 10 10: a new normal.
        assertEquals(10.0, detector.baseline(), 0.0);
    }

    @Test
    void levelShiftIgnoresASpikeButScoresASustainedShift()
    {
        final LevelShiftDetector detector = new LevelShiftDetector(3, 5, 5, new Detector.ScaleFloor(0.1, 0));
        final double[] reference = {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
        for (final double v : reference)
        {
            assertTrue(Double.isNaN(detector.observe(v)));
        }
        // 8 values: 5 reference + 3 test. A spike in the test window does not move its median.
        assertEquals(0.0, detector.observe(10.0), 0.0);
        assertEquals(1.0, detector.baseline(), 0.0);
        // Two more values of 2: the test window is 10 2 2, median 2; reference is 1s (MAD 0, floor 0.1).
        detector.observe(2.0);
        assertEquals((2.0 - 1.0) / 0.1, detector.observe(2.0), 1e-9);
    }

    @Test
    void directionTurnsDeviationsIntoScores()
    {
        assertEquals(2.0, Direction.UP.score(2.0), 0.0);
        assertEquals(0.0, Direction.UP.score(-2.0), 0.0);
        assertEquals(2.0, Direction.DOWN.score(-2.0), 0.0);
        assertEquals(2.0, Direction.BOTH.score(-2.0), 0.0);
        assertTrue(Double.isNaN(Direction.BOTH.score(Double.NaN)));
    }
}
