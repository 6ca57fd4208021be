package io.hotpath.wire;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The spool layout's names, as literal strings (a change here is a change of the on-disk contract). */
class SpoolLayoutDescriptorTest
{
    @Test
    void queueDirectoryNamesAreServicePidAndJvmStartParsedFromTheEnd()
    {
        assertEquals("checkout-api-4242-1763895600123", SpoolLayoutDescriptor.queueName("checkout-api", 4242, 1763895600123L));
        assertEquals(new SpoolLayoutDescriptor.QueueName("checkout-api-4242-1763895600123", "checkout-api", 4242, 1763895600123L),
            SpoolLayoutDescriptor.parseQueueName("checkout-api-4242-1763895600123"));
        assertEquals("my_app_1.2", SpoolLayoutDescriptor.serviceName("my app/1.2"));
        assertEquals("java", SpoolLayoutDescriptor.serviceName(""));
        assertNull(SpoolLayoutDescriptor.parseQueueName("checkout-4242"), "no start time");
        assertNull(SpoolLayoutDescriptor.parseQueueName("checkout-4242-17638956"), "start time too short");
        assertNull(SpoolLayoutDescriptor.parseQueueName("check out-4242-1763895600123"), "space in the service");
        assertNull(SpoolLayoutDescriptor.parseQueueName("ballast"));
    }

    @Test
    void markerAndRollCycleFileNames()
    {
        assertEquals("hotpath.closed", SpoolLayoutDescriptor.CLOSED_MARKER);
        assertEquals("FAST_HOURLY", SpoolLayoutDescriptor.ROLL_CYCLE);
        final Instant hour = Instant.parse("2026-11-23T11:00:00Z");
        assertEquals("20261123-11F.cq4", DateTimeFormatter.ofPattern(SpoolLayoutDescriptor.CYCLE_FILE_FORMAT).withZone(ZoneOffset.UTC)
            .format(hour) + SpoolLayoutDescriptor.CYCLE_FILE_SUFFIX);
        assertEquals(498_731, hour.toEpochMilli() / SpoolLayoutDescriptor.ROLL_CYCLE_MILLIS, "cycle = epoch hours");
    }
}
