package io.hotpath.demo.transport;

import io.hotpath.demo.SelfTimed;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;

/**
 * Sends messages over one loopback connection per transport type. Failures are injected with the
 * configured ratio and take the transport's own form: BitChat rejects
 * ({@link MessageRejectedException}), BetaNet times out ({@link TransportTimeoutException}), QUIC
 * loses the datagram ({@code false}).
 */
public final class TransportManager extends SelfTimed implements AutoCloseable
{

    private final Map<TransportType, ClientLink> connections = new EnumMap<>(TransportType.class);
    private final Random random;
    private final double errorRatio;
    private volatile int extraDelayMicros;

    /** Connects nothing yet: each transport connects on its first send (see {@link ClientLink}). */
    public TransportManager(final InetSocketAddress server, final double errorRatio, final long seed)
    {
        for (final TransportType type : TransportType.values())
        {
            connections.put(type, new ClientLink(server));
        }
        this.errorRatio = errorRatio;
        this.random = new Random(seed);
    }

    /** Added to every transport's delay while a latency spike is on. */
    public void setExtraDelayMicros(final int micros)
    {
        extraDelayMicros = micros;
    }

    /**
     * @return {@code true} when delivered, {@code false} when the transport lost the message.
     * @throws TransportException when the transport refused or timed out.
     * @throws IOException        when the link failed (connect timeout included); the next send reconnects.
     */
    public boolean sendMessage(final byte[] message, final TransportType transportType) throws IOException
    {
        final long callStart = System.nanoTime();
        try
        {
            final boolean fail;
            final int delay;
            synchronized (random)
            {
                fail = random.nextDouble() < errorRatio;
                delay = transportType.baseDelayMicros() + random.nextInt(transportType.jitterMicros()) + extraDelayMicros;
            }
            final byte status = !fail ? EchoServer.STATUS_OK : switch (transportType)
            {
                case BITCHAT -> EchoServer.STATUS_REJECTED;
                case BETANET -> EchoServer.STATUS_TIMEOUT;
                case QUIC -> EchoServer.STATUS_LOST;
            };
            final byte answer = connections.get(transportType).exchange(message, message.length, delay, status);
            switch (answer)
            {
                case EchoServer.STATUS_REJECTED:
                    throw new MessageRejectedException(transportType + " relay rejected the message");
                case EchoServer.STATUS_TIMEOUT:
                    throw new TransportTimeoutException(transportType + " did not acknowledge in time");
                case EchoServer.STATUS_LOST:
                    return false;
                default:
                    return true;
            }
        }
        finally
        {
            lastCallNanos = System.nanoTime() - callStart;
        }
    }

    @Override
    public void close() throws IOException
    {
        for (final ClientLink connection : connections.values())
        {
            connection.close();
        }
    }
}
