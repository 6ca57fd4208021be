package io.hotpath.agent.spool;

/**
 * When the drain thread looks at the ring, and when it writes what waits there. The agent's CPU at
 * low rates is its wake-ups and above all its queue documents (~0.1–0.3 ms of CPU each, whatever they
 * hold: Chronicle's append path, run too rarely to be compiled early), so a wake-up that only looks
 * (two sizes of the ring) is kept apart from one that writes.
 *
 * <p><b>Writing</b> ({@link #writeDue}): samples wait in the ring until one of
 * <ul>
 *   <li>the wall-clock second is about to end ({@link #LEAD_NANOS} before it): the samples of that
 *       second reach the queue before hotpathd closes it (it rotates at the boundary and polls just
 *       before; a sample of a closed second still lands in its windows, but misses its 1-second interval);</li>
 *   <li>the oldest has waited {@code maxHoldNanos}: bounds what a late pre-boundary write (a loaded
 *       machine) can push into the next interval;</li>
 *   <li>a full batch waits ({@code holdBytes}), or the fullest stripe is an eighth full.</li>
 * </ul>
 * So at 1,000 samples/s one document a second (the default hold), with the AGENT_STATS record when due.
 *
 * <p><b>Looking</b> ({@link #afterWake}): the fill level bounds every sleep, as before writes were held:
 * <ul>
 *   <li>a read that filled a whole batch: read again at once (more is waiting);</li>
 *   <li>otherwise sleep so that, at the arrival rate seen (fast to rise, slow to fall), the fullest
 *       stripe fills at most a quarter of its free room; at least {@code minParkNanos}, at most
 *       {@code maxParkNanos}, or longer, up to {@link #IDLE_FACTOR} times that, as long as a sudden
 *       burst of {@link #BURST_PER_SECOND} samples/s (of the largest records) into the fullest stripe would
 *       fill at most {@link #BURST_FILL} of its free room meanwhile (the default 4 MiB stripes: 196 ms);
 *       never past the next write that is due (the second's end, the hold), and evenly spaced up to it;</li>
 *   <li>an empty ring with no rate seen: back off, doubling from {@code minParkNanos} to
 *       {@link #IDLE_FACTOR} times the maximum.</li>
 * </ul>
 * Drain thread only; no allocation.
 */
final class DrainPacer
{
    /** How long before the end of each wall-clock second the drain writes what waits. */
    static final long LEAD_NANOS = 5_000_000L;
    /** A wake-up this much before the pre-boundary point (timer slack) still counts as at it. */
    static final long EARLY_NANOS = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /**
     * An idle ring (nothing in the last reads) is looked at every {@code IDLE_FACTOR × maxParkNanos}
     * at most: the first sample after a quiet spell waits that long (200 ms by default) before the
     * drain sees it, far inside the one second by which /metrics may lag.
     */
    static final long IDLE_FACTOR = 4;
    /**
     * The burst a sleep must leave room for (per stripe): an application that jumps from a few samples
     * to this rate fills at most {@link #BURST_FILL} of a stripe's free room before the next look.
     */
    static final double BURST_PER_SECOND = 250_000;
    /**
     * Three quarters, not a half: every look costs the drain ~50–90 µs of CPU on a VM (the park and the
     * wake-up), 5 more a second cost ~0.3 µs per sample at 1,000 samples/s; the burst still never fills the
     * stripe, and with untraced samples (32-byte records, not 64) it fills less than half.
     */
    static final double BURST_FILL = 0.75;
    /** A stripe this full (1 / this of its capacity) is written whatever else holds: the sleeps shrink as it fills. */
    static final int WRITE_AT_FRACTION = 8;

    private final long minParkNanos;
    private final long maxParkNanos;
    private final long maxHoldNanos;
    private final long stripeCapacityBytes;
    private final int recordBytes;
    private final long holdBytes;
    /** Bytes arriving per nanosecond: rises at once to a higher reading, halves towards a lower one. */
    private double rate;
    private long lastWakeNanos = Long.MIN_VALUE;
    private long lastWaitingBytes;
    private long backOffNanos;
    /** Index ({@link #flushIndex}) of the last pre-boundary point after which the ring was written or seen empty. */
    private long servedFlush = Long.MIN_VALUE;
    /** When the ring was last written or seen empty: no waiting sample is older. */
    private long emptySinceNanos;

    /**
     * @param stripeCapacityBytes data capacity of one ring stripe
     * @param recordBytes         the largest ring record (the burst bound counts these)
     * @param holdBytes           waiting bytes worth a document of their own (a full batch)
     */
    DrainPacer(final long minParkNanos, final long maxParkNanos, final long maxHoldNanos, final long stripeCapacityBytes,
        final int recordBytes, final long holdBytes)
    {
        this.maxParkNanos = Math.max(1, maxParkNanos);
        this.minParkNanos = Math.max(1, Math.min(minParkNanos, this.maxParkNanos));
        this.maxHoldNanos = Math.max(this.minParkNanos, maxHoldNanos);
        this.stripeCapacityBytes = stripeCapacityBytes;
        this.recordBytes = recordBytes;
        this.holdBytes = Math.max(1, holdBytes);
        this.backOffNanos = this.minParkNanos;
    }

    /**
     * Whether this wake-up writes what waits in the ring (see the class comment).
     *
     * @param now          {@code System.nanoTime()} at the wake-up
     * @param waitingBytes bytes waiting in all stripes
     * @param fullestBytes bytes waiting in the fullest stripe
     * @param epochOffset  epoch nanos minus {@code nanoTime} (the drain's calibration)
     */
    boolean writeDue(final long now, final long waitingBytes, final long fullestBytes, final long epochOffset)
    {
        if (waitingBytes <= 0)
        {
            return false;
        }
        return flushIndex(now, epochOffset) > servedFlush || now - emptySinceNanos >= maxHoldNanos ||
            waitingBytes >= holdBytes || fullestBytes * WRITE_AT_FRACTION >= stripeCapacityBytes;
    }

    /**
     * @param now          {@code System.nanoTime()} at the start of the wake-up just done
     * @param wrote        it wrote (read the ring into a document)
     * @param bytesRead    ring bytes that write took
     * @param batchFull    the read stopped at its limit
     * @param waitingBytes bytes waiting in all stripes now
     * @param fullestBytes bytes waiting in the fullest stripe now
     * @param epochOffset  epoch nanos minus {@code nanoTime} (the drain's calibration)
     * @return nanos to park before the next wake-up; 0 = at once
     */
    long afterWake(final long now, final boolean wrote, final long bytesRead, final boolean batchFull, final long waitingBytes,
        final long fullestBytes, final long epochOffset)
    {
        if (lastWakeNanos != Long.MIN_VALUE && now > lastWakeNanos)
        {
            final double seen = (double)Math.max(0, waitingBytes - lastWaitingBytes + bytesRead) / (now - lastWakeNanos);
            rate = seen >= rate ? seen : (rate + seen) / 2;
        }
        lastWakeNanos = now;
        lastWaitingBytes = waitingBytes;
        if (batchFull)
        {
            backOffNanos = minParkNanos;
            return 0;
        }
        final boolean held = waitingBytes > 0 && !wrote;
        if (!held)
        {
            // what waits now came after `now`: this second's flush is served, the hold starts again
            servedFlush = flushIndex(now, epochOffset);
            emptySinceNanos = now;
        }
        if (waitingBytes == 0 && rate * maxParkNanos < recordBytes)
        {
            // nothing came for a while: back off towards the idle maximum; no second to flush
            final long park = Math.max(minParkNanos, backOffNanos);
            backOffNanos = Math.min(IDLE_FACTOR * maxParkNanos, backOffNanos * 2);
            return park;
        }
        backOffNanos = minParkNanos;
        final long freeBytes = Math.max(0, stripeCapacityBytes - fullestBytes);
        final double freeRecords = (double)freeBytes / recordBytes;
        long park = (long)Math.max(maxParkNanos, Math.min(IDLE_FACTOR * maxParkNanos, freeRecords * BURST_FILL / BURST_PER_SECOND * 1e9));
        if (rate > 0)
        {
            park = (long)Math.min(park, freeBytes / 4 / rate);
        }
        if (waitingBytes > 0)
        {
            park = Math.min(park, emptySinceNanos + maxHoldNanos - now);
        }
        park = Math.max(minParkNanos, park);
        return untilSecondEnds(now, park, epochOffset);
    }

    /** Pre-boundary points ({@link #LEAD_NANOS} before each wall-clock second ends) passed at {@code now}, counted from the epoch. */
    static long flushIndex(final long now, final long epochOffset)
    {
        return Math.floorDiv(now + epochOffset + LEAD_NANOS + EARLY_NANOS, NANOS_PER_SECOND);
    }

    /**
     * {@code park}, shortened so that the looks left in this second are evenly spaced and the last one
     * is {@link #LEAD_NANOS} before it ends (the pre-boundary write), with no extra short sleep before it.
     */
    static long untilSecondEnds(final long now, final long park, final long epochOffset)
    {
        final long epoch = now + epochOffset;
        final long toBoundary = NANOS_PER_SECOND - Math.floorMod(epoch, NANOS_PER_SECOND);
        final long toFlush = toBoundary - LEAD_NANOS;
        if (toFlush <= 0 || park <= 0)
        {
            return park;
        }
        final long looks = (toFlush + park - 1) / park;
        return toFlush / looks;
    }
}
