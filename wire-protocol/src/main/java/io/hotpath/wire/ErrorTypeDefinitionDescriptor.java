package io.hotpath.wire;

/**
 * Layout of the ERROR_TYPE_DEFINITION record: error type id to a name (the simple class name of
 * the exception, or {@code returned_false} / {@code returned_null}). Offsets are from the record start.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Record header (type = 3), 8 bytes             |
 *  +---------------------------------------------------------------+
 *  |                         Error Type Id                         |
 *  +---------------------------------------------------------------+
 *  |                           reserved                            |
 *  +---------------------------------------------------------------+
 *  |  name: uint16 length + UTF-8                                 ...
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class ErrorTypeDefinitionDescriptor
{
    public static final int ERROR_TYPE_ID_OFFSET = 8;
    public static final int BLOCK_LENGTH = 8;

    private ErrorTypeDefinitionDescriptor()
    {
    }
}
