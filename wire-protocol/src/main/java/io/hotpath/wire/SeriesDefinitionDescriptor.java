package io.hotpath.wire;

/**
 * Layout of the SERIES_DEFINITION record: series id to metric name, kind, unit and labels. Written
 * once per stream before the first sample of that series. Offsets are from the record start.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Record header (type = 2), 8 bytes             |
 *  +---------------------------------------------------------------+
 *  |                           Series Id                           |
 *  +---------------+---------------+-------------------------------+
 *  |     Kind      |   reserved    |          Label Count          |
 *  +---------------+---------------+-------------------------------+
 *  |  metric name, unit, then Label Count x (key, value),          |
 *  |  each uint16 length + UTF-8                                  ...
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class SeriesDefinitionDescriptor
{
    public static final int SERIES_ID_OFFSET = 8;
    public static final int KIND_OFFSET = 12;
    public static final int LABEL_COUNT_OFFSET = 14;
    public static final int BLOCK_LENGTH = 8;

    private SeriesDefinitionDescriptor()
    {
    }
}
