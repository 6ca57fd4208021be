package io.hotpath.demo.migration;

import java.io.IOException;

/** A migration did not complete. */
public final class MigrationException extends IOException
{
    private static final long serialVersionUID = 1L;

    public MigrationException(final String message)
    {
        super(message);
    }
}
