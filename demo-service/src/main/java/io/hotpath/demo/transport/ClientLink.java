package io.hotpath.demo.transport;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A client link to an {@link EchoServer} that connects on first use and again after any failure.
 * Connecting lazily puts a connect timeout where it belongs: inside the instrumented call that
 * needed the link, which then fails with it (the agent and the exact results count one error), rather
 * than in a constructor that would take the demo's worker thread, or the whole demo, down with it.
 * A failed exchange leaves the stream in an unknown state, so the connection is dropped and the next
 * call reconnects. Callers synchronise (one exchange at a time).
 */
public final class ClientLink implements AutoCloseable
{
    /** Generous for loopback: a busy 2-core host with a cold JIT may take hundreds of ms to accept. */
    public static final int CONNECT_TIMEOUT_MILLIS = 3000;

    private final InetSocketAddress address;
    private final int connectTimeoutMillis;
    private Connection connection;

    public ClientLink(final InetSocketAddress address)
    {
        this(address, CONNECT_TIMEOUT_MILLIS);
    }

    public ClientLink(final InetSocketAddress address, final int connectTimeoutMillis)
    {
        this.address = address;
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    /** Connects if needed, then {@link Connection#exchange}; on any failure the connection is dropped. */
    public synchronized byte exchange(final byte[] payload, final int length, final int delayMicros, final byte status)
        throws IOException
    {
        if (connection == null)
        {
            connection = new Connection(address, connectTimeoutMillis);
        }
        try
        {
            return connection.exchange(payload, length, delayMicros, status);
        }
        catch (final IOException | RuntimeException e)
        {
            final Connection broken = connection;
            connection = null;
            try
            {
                broken.close();
            }
            catch (final IOException closeFailure)
            {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }

    @Override
    public synchronized void close() throws IOException
    {
        if (connection != null)
        {
            connection.close();
            connection = null;
        }
    }
}
