package io.hotpath.demo.transport;

/** The relay refused the message (BitChat's failure mode). */
public final class MessageRejectedException extends TransportException
{
    private static final long serialVersionUID = 1L;

    public MessageRejectedException(final String message)
    {
        super(message);
    }
}
