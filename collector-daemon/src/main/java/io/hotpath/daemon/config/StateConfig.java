package io.hotpath.daemon.config;

import io.hotpath.daemon.config.syntax.Checks;

import io.hotpath.wire.config.Durations;
import java.nio.file.Path;

/** {@code state:} checkpoints. */
public final class StateConfig
{
    private Path dir = Path.of("/var/lib/hotpath/state");
    private long checkpointIntervalMillis = 1000;

    public Path dir()
    {
        return dir;
    }

    public void setDir(final String value)
    {
        dir = Path.of(Checks.nonEmpty(value));
    }

    public long checkpointIntervalMillis()
    {
        return checkpointIntervalMillis;
    }

    public void setCheckpointInterval(final String value)
    {
        checkpointIntervalMillis = Checks.positive(Durations.millis(value));
    }
}
