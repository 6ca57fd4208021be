package io.hotpath.daemon.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** {@link MetricNames} and METRICS.md, the contract, list the same families. */
class MetricNamesTest
{
    @Test
    void constantsMatchTheContract() throws Exception
    {
        final String contract = Files.readString(Path.of("METRICS.md"));
        final Set<String> documented = new TreeSet<>();
        final Matcher matcher = Pattern.compile("`(hotpath_[a-z0-9_]+)`").matcher(contract);
        while (matcher.find())
        {
            documented.add(matcher.group(1));
        }
        assertEquals(documented, new TreeSet<>(MetricNames.EXPOSED));
    }
}
