package io.hotpath.daemon.tail;

/**
 * How long the aggregation thread sleeps after a pass over the queues. A pass has a fixed cost (the
 * wake-up, a read per live queue, the loop's bookkeeping) whatever it finds, so the pacer aims at passes
 * that each take a worthwhile batch — about {@value #TARGET_SAMPLES_PER_PASS} samples — rather than
 * one pass per document the agents write: at low rates the thread wakes twice a second (just before the rotation and at it), at high
 * rates as often as the batches need. Sleeping longer never makes {@code /metrics} later: it is rendered
 * at the rotation, and one poll just before each rotation reads what was written in the closing second.
 *
 * <ul>
 *   <li>A pass that stopped with more to read (a queue gave its per-pass maximum of documents, or the
 *       pass ran out of its time budget): poll again at once, and halve the back-off.</li>
 *   <li>A pass that took more than {@value #TARGET_SAMPLES_PER_PASS} samples: sleep half the back-off
 *       (the batches get smaller); fewer than half of that (none, heartbeats only, a trickle): sleep the
 *       back-off, which doubles from {@value #MIN_PARK_MILLIS} ms up to {@code maxParkMillis}; in
 *       between: the same back-off again.</li>
 *   <li>Never past the next rotation or spool scan, and one poll {@value #PRE_ROTATION_LEAD_MILLIS} ms
 *       before each rotation, so that what the agents wrote just before the second ends (their drain
 *       threads read the ring shortly before the boundary) is in the interval that closes. The batch
 *       target keeps that poll short (what arrived since the previous poll is at most about one batch).</li>
 * </ul>
 * Aggregation thread only.
 */
public final class PollPacer
{
    public static final long MIN_PARK_MILLIS = 1;
    public static final long PRE_ROTATION_LEAD_MILLIS = 2;
    /**
     * Samples one pass should take: decoding and counting them (~0.3-1 µs each) is worth a wake-up
     * (tens of µs), and the poll just before a rotation reads them well inside its lead time.
     */
    public static final long TARGET_SAMPLES_PER_PASS = 512;
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final long maxParkMillis;
    private long backOffMillis = MIN_PARK_MILLIS;

    public PollPacer(final long maxParkMillis)
    {
        this.maxParkMillis = Math.max(MIN_PARK_MILLIS, maxParkMillis);
    }

    /**
     * @param samples         samples (and damaged bytes) the pass took, {@link SpoolTailers#samplesTaken}
     * @param more            the pass stopped with more to read ({@link SpoolTailers#morePending})
     * @param nowMillis       wall clock, epoch millis
     * @param nextRotation    when the next rotation is due, epoch millis
     * @param nextScan        when the next spool scan is due, epoch millis
     * @return nanos to park; 0 = poll (and check rotation) again at once
     */
    public long afterPoll(final long samples, final boolean more, final long nowMillis, final long nextRotation, final long nextScan)
    {
        if (more)
        {
            backOffMillis = Math.max(MIN_PARK_MILLIS, backOffMillis / 2);
            return 0;
        }
        if (samples > TARGET_SAMPLES_PER_PASS)
        {
            backOffMillis = Math.max(MIN_PARK_MILLIS, backOffMillis / 2);
        }
        long park = backOffMillis;
        if (samples < TARGET_SAMPLES_PER_PASS / 2)
        {
            backOffMillis = Math.min(maxParkMillis, backOffMillis * 2);
        }
        final long toRotation = nextRotation - nowMillis;
        park = Math.min(park, toRotation > PRE_ROTATION_LEAD_MILLIS ? toRotation - PRE_ROTATION_LEAD_MILLIS : toRotation);
        park = Math.min(park, nextScan - nowMillis);
        return Math.max(0, park) * NANOS_PER_MILLI;
    }

    /** The back-off the next quiet pass sleeps, millis. */
    long backOffMillis()
    {
        return backOffMillis;
    }
}
