package io.hotpath.agent.spool;

import io.hotpath.agent.config.AgentConfig;
import io.hotpath.wire.SpoolLayoutDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent writes the spool as wire-protocol's SpoolLayoutDescriptor lays it out, whatever hotpath.spool.rollCycle says. */
class SpoolLayoutTest
{
    @TempDir
    Path temp;

    @Test
    void queueNamesAndServiceNamesAreTheDescriptors()
    {
        assertEquals(SpoolLayoutDescriptor.queueName("svc", 12, 1763895600123L), SpoolDirectory.queueName("svc", 12, 1763895600123L));
        for (final String name : List.of("my app/1.2", "", "ok-name_1.0", "äöü"))
        {
            assertEquals(SpoolLayoutDescriptor.serviceName(name), AgentConfig.sanitize(name), name);
        }
        assertEquals(SpoolLayoutDescriptor.CLOSED_MARKER, SpoolDirectory.CLOSED_MARKER);
    }

    /** A real queue written with rollCycle=FAST_DAILY configured: FAST_HOURLY cycle files, the daemon's only layout. */
    @Test
    void anotherConfiguredRollCycleIsIgnoredAndTheQueueIsFastHourly() throws Exception
    {
        assertEquals("FAST_HOURLY", SpoolDrainer.rollCycle("FAST_DAILY"));
        assertEquals("FAST_HOURLY", SpoolDrainer.rollCycle("FAST_HOURLY"));
        final Path queue = temp.resolve(SpoolDirectory.queueName("svc", 1, 1763895600123L));
        Files.createDirectories(queue);
        final SpoolWriter writer = new SpoolWriter(queue, SpoolDrainer.rollCycle("FAST_DAILY"), 1L << 30);
        writer.write(new byte[64], 64, 1);
        writer.close();
        try (Stream<Path> files = Files.list(queue))
        {
            final List<String> names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".cq4")).toList();
            assertEquals(1, names.size(), names.toString());
            assertTrue(names.get(0).matches("\\d{8}-\\d{2}F\\.cq4"), "FAST_HOURLY's " + SpoolLayoutDescriptor.CYCLE_FILE_FORMAT + ": " + names);
        }
        assertTrue(Files.exists(queue.resolve(SpoolLayoutDescriptor.CLOSED_MARKER)));
    }
}
