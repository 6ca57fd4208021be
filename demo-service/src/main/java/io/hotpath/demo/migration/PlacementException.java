package io.hotpath.demo.migration;

/** A job could not be placed. */
public final class PlacementException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public PlacementException(final String message)
    {
        super(message);
    }
}
