package io.hotpath.daemon.config;

import io.hotpath.daemon.config.syntax.Checks;

import com.fasterxml.jackson.annotation.JsonSetter;
import io.hotpath.wire.config.Durations;
import io.hotpath.wire.config.Sizes;
import java.nio.file.Path;
import java.util.Map;

/** {@code spool:} where agents write their queues, and retention of finished ones. */
public final class SpoolConfig
{
    private Path dir = Path.of("/var/lib/hotpath/spool");
    private long scanIntervalMillis = 1000;
    private long maxAgeMillis = Durations.millis("7d");
    private long maxTotalBytes = Sizes.bytes("2GiB");

    public Path dir()
    {
        return dir;
    }

    public void setDir(final String value)
    {
        dir = Path.of(Checks.nonEmpty(value));
    }

    public long scanIntervalMillis()
    {
        return scanIntervalMillis;
    }

    public void setScanInterval(final String value)
    {
        scanIntervalMillis = Checks.positive(Durations.millis(value));
    }

    public long maxAgeMillis()
    {
        return maxAgeMillis;
    }

    public long maxTotalBytes()
    {
        return maxTotalBytes;
    }

    @JsonSetter("retention")
    public void setRetention(final Map<String, String> retention)
    {
        for (final Map.Entry<String, String> entry : retention.entrySet())
        {
            switch (entry.getKey())
            {
                case "max-age": maxAgeMillis = Checks.positive(Durations.millis(String.valueOf(entry.getValue()))); break;
                case "max-total-size": maxTotalBytes = Checks.positive(Sizes.bytes(String.valueOf(entry.getValue()))); break;
                default: throw new IllegalArgumentException("unknown retention key '" + entry.getKey() +
                    "' (expected max-age or max-total-size)");
            }
        }
    }
}
