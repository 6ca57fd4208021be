package io.hotpath.daemon.state;

/**
 * When the aggregation thread captures a checkpoint (asked after each rotation). A capture and its write
 * cost the same whatever moved (the capture, a temp file, two fsyncs, a rename): at 1 000 samples/s, once a
 * second, that was as much CPU as reading the samples. So a capture is due
 * <ul>
 *   <li>never sooner than {@code state.checkpoint-interval} after the last one;</li>
 *   <li>then at once when {@link #SAMPLES_PER_CAPTURE} samples were read since the last one (at 50 000
 *       samples/s and more: every interval, as before; there a capture and its write cost &lt; 0.05 µs per sample),
 *       when the caller needs every interval (remote write sends only what a checkpoint on disk holds; a
 *       failing write is retried), and for the first capture;</li>
 *   <li>else {@link #MAX_SPACING_MILLIS} after the last one (quiet or slow queues: 10 s; an unchanged
 *       capture is not written again, see {@link CheckpointContent}).</li>
 * </ul>
 * What a crash costs is bounded either way: a restart re-reads at most {@code max(SAMPLES_PER_CAPTURE,
 * one interval of samples)} samples and at most {@link #MAX_SPACING_MILLIS} of the spool, and counts none of
 * them twice (a checkpoint is one consistent snapshot). The counters exposed as of the last checkpoint on
 * disk ({@code hotpath_late_samples_total}; the detector state saved at a capture) are that much behind at most.
 *
 * <p>Aggregation thread only.
 */
public final class CheckpointCadence
{
    /** Samples read since the last capture that make the next interval's capture due. */
    public static final long SAMPLES_PER_CAPTURE = 50_000;
    /** The longest spacing of two captures (unless {@code state.checkpoint-interval} is longer). */
    public static final long MAX_SPACING_MILLIS = 10_000;

    private final long intervalMillis;
    private long lastCaptureMillis;
    private long samplesAtCapture;
    private boolean captured;

    /** {@code intervalMillis}: {@code state.checkpoint-interval}, the shortest spacing. */
    public CheckpointCadence(final long intervalMillis)
    {
        this.intervalMillis = intervalMillis;
    }

    /**
     * Whether to capture now, {@code samplesTaken} being the samples read so far (a running total);
     * {@code everyInterval}: the caller needs one every interval for now.
     */
    public boolean due(final long nowMillis, final long samplesTaken, final boolean everyInterval)
    {
        if (!captured)
        {
            return true;
        }
        final long since = nowMillis - lastCaptureMillis;
        if (since < intervalMillis)
        {
            return false;
        }
        return everyInterval || samplesTaken - samplesAtCapture >= SAMPLES_PER_CAPTURE || since >= MAX_SPACING_MILLIS;
    }

    /** A capture was taken at {@code nowMillis} holding {@code samplesTaken} samples. */
    public void captured(final long nowMillis, final long samplesTaken)
    {
        captured = true;
        lastCaptureMillis = nowMillis;
        samplesAtCapture = samplesTaken;
    }
}
