package io.hotpath.daemon.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.List;

import org.junit.jupiter.api.Test;

class CsvSeriesTest
{
    private static CsvSeries read(final String text) throws Exception
    {
        return CsvSeries.read(new StringReader(text), "s.csv");
    }

    @Test
    void readsHeaderCommentsTimestampFormatsGapsAndLabels() throws Exception
    {
        final CsvSeries series = read("""
            # comment
            timestamp,value,label
            1767225600,0.5,0
            1767225601000,,1
            2026-01-01T00:00:02Z,0.7,true

            1767225603.5,0.8,0
            """);
        assertEquals(4, series.size());
        assertTrue(series.labelled());
        assertEquals(1_767_225_600_000L, series.time(0));
        assertEquals(1_767_225_601_000L, series.time(1), "13-digit timestamps are milliseconds");
        assertEquals(1_767_225_602_000L, series.time(2));
        assertEquals(1_767_225_603_500L, series.time(3));
        assertTrue(Double.isNaN(series.value(1)), "empty value: no data");
        assertEquals(List.of(new CsvSeries.LabelWindow(1_767_225_601_000L, 1_767_225_603_000L)), series.labelWindows());
        assertEquals(1000, series.stepMillis());
    }

    @Test
    void nabTimestampsZoneLessIsoAndRepeatedOrOutOfOrderRowsAreKeptAndCounted() throws Exception
    {
        final CsvSeries series = read("""
            timestamp,value
            2014-04-10 00:00:00,1
            2014-04-10 00:05:00,2
            2014-04-10 00:05:00,3
            2014-04-10T00:10:00,4
            2014-04-10 00:07:00.500,5
            2014-04-10T01:20:00+01:00,6
            """);
        assertEquals(6, series.size());
        assertEquals(1_397_088_000_000L, series.time(0), "no zone: UTC");
        assertEquals(series.time(1), series.time(2));
        assertEquals(1_397_088_420_500L, series.time(4));
        assertEquals(1_397_089_200_000L, series.time(5), "01:20+01:00 is 00:20Z");
        assertEquals(1, series.repeatedTimestamps());
        assertEquals(1, series.outOfOrderTimestamps());
        assertEquals(300_000, series.stepMillis(), "median of the positive gaps");
    }

    @Test
    void twoColumnsWithoutHeader() throws Exception
    {
        final CsvSeries series = read("1,2\n2,3\n");
        assertFalse(series.labelled());
        assertEquals(2, series.size());
    }

    @Test
    void badInputNamesLineAndColumn()
    {
        assertEquals("s.csv:3: column 2 (value): expected a number (or empty for no data), got \"fast\"",
            assertThrows(CsvSeries.CsvException.class, () -> read("timestamp,value\n1,2\n2,fast\n")).getMessage());
        assertEquals("s.csv:2: column 1 (timestamp): expected epoch seconds, epoch milliseconds, ISO-8601 (zone optional) "
                + "or YYYY-MM-DD HH:MM:SS, got \"yesterday\"",
            assertThrows(CsvSeries.CsvException.class, () -> read("1,2\nyesterday,3\n")).getMessage());
        assertEquals("s.csv:2: column 3 (label): expected 1 or 0 (true or false), got \"maybe\"",
            assertThrows(CsvSeries.CsvException.class, () -> read("1,2,0\n2,2,maybe\n")).getMessage());
        assertEquals("s.csv:2: expected 3 columns (timestamp,value,label), found 2",
            assertThrows(CsvSeries.CsvException.class, () -> read("1,2,0\n2,2\n")).getMessage());
        assertEquals("s.csv: no data rows",
            assertThrows(CsvSeries.CsvException.class, () -> read("timestamp,value\n")).getMessage());
    }
}
