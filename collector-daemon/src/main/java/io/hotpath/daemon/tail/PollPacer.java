package io.hotpath.daemon.tail;

/**
 * How long the aggregation thread sleeps after a pass over the queues: the daemon's idle cost is
 * its wake-ups, so it backs off while the queues are quiet, and never sleeps past what is due.
 *
 * <ul>
 *   <li>A pass that read documents: poll again at once (the pass is bounded per queue, more may be
 *       waiting), and halve the back-off, so a steady trickle keeps the thread close to it.</li>
 *   <li>An empty pass: sleep the back-off, which doubles from {@value #MIN_PARK_MILLIS} ms up to
 *       {@code maxParkMillis}.</li>
 *   <li>Never past the next rotation or spool scan, and one poll {@value #PRE_ROTATION_LEAD_MILLIS} ms
 *       before each rotation, so that what the agents wrote just before the second ends (their drain
 *       threads read the ring shortly before the boundary) is in the interval that closes.</li>
 * </ul>
 * Aggregation thread only.
 */
public final class PollPacer
{
    public static final long MIN_PARK_MILLIS = 1;
    public static final long PRE_ROTATION_LEAD_MILLIS = 2;
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final long maxParkMillis;
    private long backOffMillis = MIN_PARK_MILLIS;

    public PollPacer(final long maxParkMillis)
    {
        this.maxParkMillis = Math.max(MIN_PARK_MILLIS, maxParkMillis);
    }

    /**
     * @param documents       documents the pass read
     * @param nowMillis       wall clock, epoch millis
     * @param nextRotation    when the next rotation is due, epoch millis
     * @param nextScan        when the next spool scan is due, epoch millis
     * @return nanos to park; 0 = poll (and check rotation) again at once
     */
    public long afterPoll(final int documents, final long nowMillis, final long nextRotation, final long nextScan)
    {
        if (documents > 0)
        {
            backOffMillis = Math.max(MIN_PARK_MILLIS, backOffMillis / 2);
            return 0;
        }
        long park = backOffMillis;
        backOffMillis = Math.min(maxParkMillis, backOffMillis * 2);
        final long toRotation = nextRotation - nowMillis;
        park = Math.min(park, toRotation > PRE_ROTATION_LEAD_MILLIS ? toRotation - PRE_ROTATION_LEAD_MILLIS : toRotation);
        park = Math.min(park, nextScan - nowMillis);
        return Math.max(0, park) * NANOS_PER_MILLI;
    }

    /** The back-off the next empty pass sleeps, millis. */
    long backOffMillis()
    {
        return backOffMillis;
    }
}
