package io.hotpath.wire.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Durations} and {@link Sizes}: the one duration and size grammar: every spelling the three older grammars accepted, and what is rejected. */
class DurationsAndSizesTest
{
    @ParameterizedTest(name = "{0} = {1} ns")
    @CsvSource(delimiter = '|', value = {
        // the daemon's hotpathd.yaml grammar (whole numbers, one unit, optional space)
        "500ms  | 500000000",
        "15s    | 15000000000",
        "5m     | 300000000000",
        "2h     | 7200000000000",
        "7d     | 604800000000000",
        "'5 m'  | 300000000000",
        "' 1s ' | 1000000000",
        "0s     | 0",
        // the SLO / anomaly files' Prometheus grammar (compound, decimals, weeks)
        "1h30m  | 5400000000000",
        "0.5s   | 500000000",
        "1w     | 604800000000000",
        "30d    | 2592000000000000",
        "1m30s500ms | 90500000000",
        "1.5ms  | 1500000",
        // accepted before in any order and repeated: still added up
        "30m1h  | 5400000000000",
        "1m1m   | 120000000000",
    })
    void acceptsDurations(final String text, final long nanos)
    {
        assertEquals(Duration.ofNanos(nanos), Durations.parse(text));
    }

    @ParameterizedTest(name = "rejects duration ''{0}''")
    @ValueSource(strings = {"", " ", "5", "soon", "5 min", "m", "-1s", "1.s", ".5s", "1h 30m", "1y", "1S", "5mss", "1e3s",
        "999999999999d"})
    void rejectsDurations(final String text)
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("duration"), e.getMessage());
        if (!text.isBlank() && !text.startsWith("9"))
        {
            assertTrue(e.getMessage().startsWith("expected a duration such as 500ms, 15s, 5m, 2h, 7d or 1h30m"), e.getMessage());
            assertTrue(e.getMessage().endsWith("got '" + text + "'"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource(delimiter = '|', value = {
        // the daemon's grammar
        "4096   | 4096",
        "512MiB | 536870912",
        "2GiB   | 2147483648",
        "1TiB   | 1099511627776",
        "8KiB   | 8192",
        "100B   | 100",
        "'2 GiB' | 2147483648",
        "5KB    | 5000",
        "5MB    | 5000000",
        "1GB    | 1000000000",
        "1TB    | 1000000000000",
        // the agent's grammar (JVM style, any case)
        "8m     | 8388608",
        "1g     | 1073741824",
        "4k     | 4096",
        "4K     | 4096",
        "1G     | 1073741824",
        "'16 m' | 16777216",
        // units in any case
        "2gib   | 2147483648",
    })
    void acceptsSizes(final String text, final long bytes)
    {
        assertEquals(bytes, Sizes.bytes(text));
    }

    @ParameterizedTest(name = "rejects size ''{0}''")
    @ValueSource(strings = {"", "GiB", "1.5GiB", "-1", "2 GiBs", "2x", "1PiB", "99999999999g", "10 000"})
    void rejectsSizes(final String text)
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.bytes(text));
        assertTrue(e.getMessage().contains("size"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} formats as {1}")
    @CsvSource({"300000, 5m", "3600000, 1h", "2592000000, 30d", "1500, 1500ms", "90000, 90s", "0, 0s"})
    void formatsTheShortestSpelling(final long millis, final String text)
    {
        assertEquals(text, Durations.format(Duration.ofMillis(millis)));
        if (millis > 0)
        {
            assertEquals(millis, Durations.millis(text), "format and parse agree");
        }
    }

    @org.junit.jupiter.api.Test
    void exceptionsNameSourceLineFieldAndProblem()
    {
        assertEquals("slo.yaml:14: slos[1].target: expected a ratio",
            new ConfigException("slo.yaml", 14, "slos[1].target", "expected a ratio").getMessage());
        assertEquals("h.yaml:3:7: spool.dir: must not be empty",
            new ConfigException("h.yaml", 3, 7, "spool.dir", "must not be empty", null).getMessage());
        assertEquals("rules.yaml: the file is empty", new ConfigException("rules.yaml", 0, "", "the file is empty").getMessage());
    }
}
