package io.hotpath.demo.transport;

/** The overlay did not acknowledge in time (BetaNet's failure mode). */
public final class TransportTimeoutException extends TransportException
{
    private static final long serialVersionUID = 1L;

    public TransportTimeoutException(final String message)
    {
        super(message);
    }
}
