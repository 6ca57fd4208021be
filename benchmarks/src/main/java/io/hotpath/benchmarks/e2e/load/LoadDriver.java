package io.hotpath.benchmarks.e2e.load;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

import io.hotpath.demo.ExactResults;
import io.hotpath.demo.transport.TransportException;
import io.hotpath.demo.transport.TransportManager;
import io.hotpath.demo.transport.TransportType;

/**
 * One driver thread of {@link TransportLoad}: messages t, t + n, t + 2n, … of the schedule (n drivers),
 * over its own connections, at the intended send times (coordinated omission: response times from the
 * intended time) or flat out. Its counts and times are read by {@link TransportLoad} after {@link #thread}
 * has ended.
 */
final class LoadDriver implements Runnable
{
    /** Service time of a message that was never sent (missed): it has none. */
    static final long NOT_SENT = Long.MIN_VALUE;
    private static final TransportType[] TYPES = TransportType.values();
    /** The {@code app} label of the demo's rules (its series keys must match the agent's). */
    private static final String APP = "demo";

    final int index;
    final TransportManager transports;
    final ExactResults exact;
    final Thread thread;
    final String[] seriesKeys = new String[TYPES.length];
    final byte[] message;
    private final int connections;
    private final double rate;
    long[] response = new long[1 << 16];
    long[] service = new long[1 << 16];
    int count;
    long completedInWindow;
    long missed;
    long errors;
    /** The driver's slowest call in the window and when it was sent (ns after the window opened): where to look for a stall. */
    long slowestService = -1;
    long slowestSentAfterWindowStart;
    volatile Throwable failure;
    private long start;
    private long windowStart;
    private long windowEnd;

    LoadDriver(final int index, final int connections, final double rate, final int payloadBytes, final TransportManager transports,
        final ExactResults exact)
    {
        this.index = index;
        this.connections = connections;
        this.rate = rate;
        this.message = new byte[payloadBytes];
        this.transports = transports;
        this.exact = exact;
        for (final TransportType type : TYPES)
        {
            seriesKeys[type.ordinal()] = ExactResults.seriesKey("transport_send", "app", APP, "transport", type.name());
        }
        this.thread = new Thread(this, "load-driver-" + index);
    }

    void schedule(final long start, final long windowStart, final long windowEnd)
    {
        this.start = start;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
    }

    @Override
    public void run()
    {
        try
        {
            if (rate > 0)
            {
                fixedRate();
            }
            else
            {
                flatOut();
            }
        }
        catch (final Throwable t)
        {
            failure = t;
        }
    }

    private void fixedRate() throws IOException
    {
        final double periodNanos = 1e9 / rate;
        for (long i = index; ; i += connections)
        {
            final long intended = start + (long)(i * periodNanos);
            if (intended >= windowEnd)
            {
                return;
            }
            long now = System.nanoTime();
            if (now >= windowEnd)
            {
                // the rest of the schedule was never sent: it waited at least until now
                for (long j = i; ; j += connections)
                {
                    final long due = start + (long)(j * periodNanos);
                    if (due >= windowEnd)
                    {
                        return;
                    }
                    if (due >= windowStart)
                    {
                        // a response time (from the intended send), but no service time: the call
                        // never ran. Counted as service time, the backlog of a saturated run once
                        // made up the whole p99 (the "397 ms service p99" of the first 100 k runs).
                        missed++;
                        add(now - due, NOT_SENT);
                    }
                }
            }
            while (now < intended)
            {
                LockSupport.parkNanos(intended - now);
                now = System.nanoTime();
            }
            final long sent = System.nanoTime();
            final long end = send(i);
            if (intended >= windowStart)
            {
                add(end - intended, end - sent);
                noteSlowest(sent, end);
                if (end < windowEnd)
                {
                    completedInWindow++;
                }
            }
        }
    }

    private void noteSlowest(final long sent, final long end)
    {
        if (end - sent > slowestService)
        {
            slowestService = end - sent;
            slowestSentAfterWindowStart = sent - windowStart;
        }
    }

    private void flatOut() throws IOException
    {
        while (System.nanoTime() < start)
        {
            LockSupport.parkNanos(start - System.nanoTime());
        }
        for (long i = index; ; i += connections)
        {
            final long sent = System.nanoTime();
            if (sent >= windowEnd)
            {
                return;
            }
            final long end = send(i);
            if (sent >= windowStart)
            {
                add(end - sent, end - sent);
                noteSlowest(sent, end);
                if (end < windowEnd)
                {
                    completedInWindow++;
                }
            }
        }
    }

    /**
     * One message on transport {@code i % 3}; returns the end time. The exact results get the
     * duration {@code sendMessage} measured inside its own body ({@link TransportManager#lastCallNanos()}, as the demo
     * does: the span the agent's advice times); the service time of the report is taken around
     * the call, as a caller sees it, agent included.
     */
    private long send(final long i) throws IOException
    {
        final TransportType type = TYPES[(int)(i % TYPES.length)];
        message[0] = (byte)i;
        String error = null;
        final long t0 = System.nanoTime();
        try
        {
            if (!transports.sendMessage(message, type))
            {
                error = "returned_false";
            }
        }
        catch (final IOException e)
        {
            if (!(e instanceof TransportException))
            {
                throw e;
            }
            error = e.getClass().getSimpleName();
        }
        final long end = System.nanoTime();
        if (error != null)
        {
            errors++;
        }
        exact.record(seriesKeys[type.ordinal()], transports.lastCallNanos(), message.length, error);
        return end;
    }

    private void add(final long responseNanos, final long serviceNanos)
    {
        if (count == response.length)
        {
            response = Arrays.copyOf(response, count * 2);
            service = Arrays.copyOf(service, count * 2);
        }
        response[count] = responseNanos;
        service[count] = serviceNanos;
        count++;
    }
}
