package io.hotpath.daemon.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The checked-in synthetic series are exactly what {@link SyntheticSeries} generates. */
class SyntheticSeriesTest
{
    @Test
    void checkedInFilesMatchTheGenerator() throws Exception
    {
        final Path dir = Path.of("src/test/resources/anomaly");
        for (final Map.Entry<String, String> file : SyntheticSeries.all().entrySet())
        {
            assertEquals(file.getValue(), Files.readString(dir.resolve(file.getKey()), StandardCharsets.UTF_8),
                file.getKey() + " differs from the generator; regenerate with SyntheticSeries");
        }
    }
}
