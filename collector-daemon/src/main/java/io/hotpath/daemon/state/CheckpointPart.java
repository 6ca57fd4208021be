package io.hotpath.daemon.state;

import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * State of a component downstream of the aggregator (SLO counters) that goes into the same atomic
 * checkpoint as the queue positions and the series counters, so that after any crash it holds
 * exactly the samples before those positions — nothing lost, nothing counted twice. Both methods
 * run on the aggregation thread: {@link #capture} right after a rotation, {@link #restore} before
 * the first document is read.
 */
public interface CheckpointPart
{
    /** Key of the part in the checkpoint file. */
    String name();

    /** The state now, as named byte blocks (stored base64). */
    Map<String, byte[]> capture();

    /** Restores what {@link #capture} returned; an empty map when the checkpoint has no such part. */
    void restore(Map<String, byte[]> saved);

    /** A part named {@code name} whose state {@code capture} takes and {@code restore} puts back. */
    static CheckpointPart of(final String name, final Supplier<Map<String, byte[]>> capture, final Consumer<Map<String, byte[]>> restore)
    {
        return new CheckpointPart()
        {
            @Override
            public String name()
            {
                return name;
            }

            @Override
            public Map<String, byte[]> capture()
            {
                return capture.get();
            }

            @Override
            public void restore(final Map<String, byte[]> saved)
            {
                restore.accept(saved);
            }
        };
    }
}
