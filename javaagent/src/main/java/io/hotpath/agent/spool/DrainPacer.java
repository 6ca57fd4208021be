package io.hotpath.agent.spool;

/**
 * When the drain thread reads the ring next: the idle cost of the agent is its wake-ups, so the
 * drain sleeps as long as the ring's free room allows, up to {@code maxParkNanos} (at low rates longer).
 *
 * <ul>
 *   <li>A read that filled a whole batch: read again at once (more is waiting).</li>
 *   <li>Otherwise sleep so that, at the arrival rate seen so far (fast to rise, slow to fall), the
 *       fullest stripe fills at most a quarter of its free room before the next read; at least
 *       {@code minParkNanos}, at most {@code maxParkNanos} — or longer, up to {@link #IDLE_FACTOR}
 *       times that, as long as a sudden burst of {@link #BURST_PER_SECOND} samples/s into the fullest
 *       stripe would fill at most half its free room meanwhile. At low rates that is one bigger
 *       document per wake-up: each wake-up and each queue document costs the drain ~0.1 ms of CPU
 *       (Chronicle's append path, run too rarely to be compiled), whatever it holds.</li>
 *   <li>An empty ring with no rate seen: back off, doubling from {@code minParkNanos} to
 *       {@link #IDLE_FACTOR} times the maximum.</li>
 *   <li>While samples arrive, whatever the above says, wake up {@link #LEAD_NANOS} before each wall-clock second ends, so
 *       the samples of that second reach the queue before hotpathd closes it (it rotates at the
 *       boundary; a sample of a closed second still lands in its windows, but misses the 1-second
 *       interval).</li>
 * </ul>
 * Drain thread only; no allocation.
 */
final class DrainPacer
{
    /** How long before the end of each wall-clock second the drain reads the ring. */
    static final long LEAD_NANOS = 5_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /**
     * An idle ring (nothing in the last reads) is read every {@code IDLE_FACTOR × maxParkNanos} at
     * most: the first sample after a quiet spell waits that long (200 ms by default), far inside the
     * one second by which /metrics may lag.
     */
    static final long IDLE_FACTOR = 4;
    /**
     * The burst a low-rate park must leave room for (per stripe): an application that jumps from a
     * few samples to this rate fills at most half a stripe's free room before the next read.
     */
    static final double BURST_PER_SECOND = 250_000;

    private final long minParkNanos;
    private final long maxParkNanos;
    private final long stripeCapacityBytes;
    private final int recordBytes;
    /** Samples per nanosecond: rises at once to a higher reading, halves towards a lower one. */
    private double rate;
    private long lastReadNanos = Long.MIN_VALUE;
    private long backOffNanos;

    DrainPacer(final long minParkNanos, final long maxParkNanos, final long stripeCapacityBytes, final int recordBytes)
    {
        this.maxParkNanos = Math.max(1, maxParkNanos);
        this.minParkNanos = Math.max(1, Math.min(minParkNanos, this.maxParkNanos));
        this.stripeCapacityBytes = stripeCapacityBytes;
        this.recordBytes = recordBytes;
        this.backOffNanos = this.minParkNanos;
    }

    /**
     * @param now            {@code System.nanoTime()} at the start of the read just done
     * @param read           samples that read returned
     * @param batchFull      the read stopped at its limit
     * @param fullestBytes   bytes waiting in the fullest stripe after the read
     * @param epochOffset    epoch nanos minus {@code nanoTime} (the drain's calibration)
     * @return nanos to park before the next read; 0 = read again at once
     */
    long afterRead(final long now, final int read, final boolean batchFull, final long fullestBytes, final long epochOffset)
    {
        if (lastReadNanos != Long.MIN_VALUE && now > lastReadNanos)
        {
            final double seen = (double)read / (now - lastReadNanos);
            rate = seen >= rate ? seen : (rate + seen) / 2;
        }
        lastReadNanos = now;
        if (batchFull)
        {
            backOffNanos = minParkNanos;
            return 0;
        }
        long park;
        if (read == 0 && rate * maxParkNanos < 1)
        {
            // nothing came for a while: back off towards the idle maximum; no second to flush
            park = Math.max(minParkNanos, backOffNanos);
            backOffNanos = Math.min(IDLE_FACTOR * maxParkNanos, backOffNanos * 2);
            return park;
        }
        else
        {
            backOffNanos = minParkNanos;
            final double freeRecords = (double)(stripeCapacityBytes - fullestBytes) / recordBytes;
            park = (long)Math.max(maxParkNanos, Math.min(IDLE_FACTOR * maxParkNanos, freeRecords / 2 / BURST_PER_SECOND * 1e9));
            if (rate > 0)
            {
                park = (long)Math.min(park, freeRecords / 4 / rate);
            }
        }
        park = Math.max(minParkNanos, park);
        return untilSecondEnds(now, park, epochOffset);
    }

    /** {@code park}, shortened to wake {@link #LEAD_NANOS} before the current wall-clock second ends. */
    static long untilSecondEnds(final long now, final long park, final long epochOffset)
    {
        final long epoch = now + epochOffset;
        final long toBoundary = NANOS_PER_SECOND - Math.floorMod(epoch, NANOS_PER_SECOND);
        final long toFlush = toBoundary - LEAD_NANOS;
        return toFlush > 0 && toFlush < park ? toFlush : park;
    }
}
