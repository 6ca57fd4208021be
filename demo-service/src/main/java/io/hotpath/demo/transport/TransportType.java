package io.hotpath.demo.transport;

/**
 * The transports of the demo, each with its own latency and failure mode on the echo server:
 * BitChat is a slow-ish mesh relay whose failures are rejections, BetaNet a high-latency overlay
 * whose failures are timeouts, QUIC-like a fast datagram transport whose failures are silent
 * losses ({@code sendMessage} returns {@code false}).
 */
public enum TransportType
{
    BITCHAT(300, 200),
    BETANET(800, 400),
    QUIC(100, 50);

    private final int baseDelayMicros;
    private final int jitterMicros;

    TransportType(final int baseDelayMicros, final int jitterMicros)
    {
        this.baseDelayMicros = baseDelayMicros;
        this.jitterMicros = jitterMicros;
    }

    public int baseDelayMicros()
    {
        return baseDelayMicros;
    }

    public int jitterMicros()
    {
        return jitterMicros;
    }
}
