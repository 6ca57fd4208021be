package io.hotpath.daemon.tail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StraySpoolsTest
{
    @TempDir
    Path temp;

    @Test
    void aFallbackSpoolWithAQueueIsReportedButNotTheDaemonsOwnNorAnEmptyOne() throws Exception
    {
        final Path fallback = Files.createDirectories(temp.resolve("a/hotpath-spool/svc-12-1700000000000"));
        final Path empty = Files.createDirectories(temp.resolve("b/hotpath-spool"));
        final Path own = Files.createDirectories(temp.resolve("c/hotpath-spool/svc-13-1700000000000")).getParent();
        final Set<Path> candidates = new LinkedHashSet<>(List.of(fallback.getParent(), empty, own, temp.resolve("missing")));
        assertEquals(List.of(fallback.getParent().toString()), StraySpools.find(candidates, own));
    }
}
