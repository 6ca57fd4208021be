package io.hotpath.daemon.act.incident;

import io.hotpath.wire.config.Durations;
import java.util.Map;

/** {@code incidents:} the incident timeline kept in {@code state.dir/incidents.jsonl}. */
public final class IncidentsConfig
{
    private int maxCount = 1000;
    private long maxAgeMillis = Durations.millis("30d");
    private long restartGraceMillis = Durations.millis("5m");
    private long tickIntervalMillis = 1000;

    public int maxCount()
    {
        return maxCount;
    }

    public long maxAgeMillis()
    {
        return maxAgeMillis;
    }

    /** Resolved incidents beyond the newest max-count, or resolved longer ago than max-age, are compacted away. */
    public void setRetention(final Map<String, String> retention)
    {
        for (final Map.Entry<String, String> entry : retention.entrySet())
        {
            switch (entry.getKey())
            {
                case "max-count":
                    maxCount = Integer.parseInt(String.valueOf(entry.getValue()));
                    if (maxCount <= 0)
                    {
                        throw new IllegalArgumentException("max-count must be positive, got " + maxCount);
                    }
                    break;
                case "max-age": maxAgeMillis = Durations.millis(String.valueOf(entry.getValue())); break;
                default: throw new IllegalArgumentException("unknown retention key '" + entry.getKey() + "' (expected max-count or max-age)");
            }
        }
    }

    public long restartGraceMillis()
    {
        return restartGraceMillis;
    }

    /**
     * Incidents open when hotpathd stopped stay open this long after it starts again; a source that
     * reports them again (same group) continues them, else they are resolved as "not seen again".
     */
    public void setRestartGrace(final String value)
    {
        restartGraceMillis = Durations.millis(value);
    }

    public long tickIntervalMillis()
    {
        return tickIntervalMillis;
    }

    /** How often resends, verification and approval deadlines are checked. */
    public void setTickInterval(final String value)
    {
        tickIntervalMillis = Durations.millis(value);
        if (tickIntervalMillis <= 0)
        {
            throw new IllegalArgumentException("must be positive");
        }
    }
}
