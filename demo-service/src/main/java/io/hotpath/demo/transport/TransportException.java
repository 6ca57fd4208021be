package io.hotpath.demo.transport;

import java.io.IOException;

/** A message could not be delivered. */
public class TransportException extends IOException
{
    private static final long serialVersionUID = 1L;

    public TransportException(final String message)
    {
        super(message);
    }
}
