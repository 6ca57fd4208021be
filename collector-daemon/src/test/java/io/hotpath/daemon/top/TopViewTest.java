package io.hotpath.daemon.top;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import io.hotpath.daemon.Hotpathd;

class TopViewTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(final String text) throws Exception
    {
        return JSON.readTree(text.replace('\'', '"'));
    }

    private static String series(final String transport, final long lastCount, final long count, final long errors, final double p50,
        final double p99)
    {
        return ("{'series':'s','labels':{'service':'demo','metric':'transport_send','kind':'transport','app':'demo','transport':'%s'},"
            + "'last1s':{'count':%d,'errors':0,'quantileSeconds':{'0.5':0.0001,'0.95':0.0002,'0.99':0.0003}},"
            + "'windows':{'1m':{'count':%d,'errors':%d,'quantileSeconds':{'0.5':%s,'0.9':0.001,'0.95':0.002,'0.99':%s,'1':0.5}},"
            + "'5m':{'count':0,'errors':0,'quantileSeconds':{'0.5':null,'0.95':null,'0.99':null}}}}")
            .formatted(transport, lastCount, count, errors, p50, p99);
    }

    @Test
    void rowPerSeriesWithRateErrorShareAndWindowPercentiles() throws Exception
    {
        final JsonNode summary = json("{'series':[" + series("QUIC", 200, 12000, 240, 0.000_25, 0.012) + ","
            + series("BITCHAT", 150, 9000, 0, 0.000_000_8, 1.5) + "]}");
        final String frame = new TopView("http://127.0.0.1:9464", "1m", 40).render(Instant.EPOCH, summary, null, null, null);
        final List<String> lines = frame.lines().toList();
        assertTrue(lines.get(0).startsWith("hotpath top - http://127.0.0.1:9464 - "), frame);
        assertTrue(lines.get(0).endsWith("percentiles over 1m"), frame);
        assertTrue(lines.get(2).matches("SERIES\\s+CALLS/S\\(1s\\)\\s+ERR%\\s+P50\\s+P95\\s+P99\\s+P99\\(1s\\)\\s+CALLS\\(1m\\)"), lines.get(2));
        // Sorted by name; one service: no service prefix; kind and service labels left out.
        assertTrue(lines.get(3).matches("transport_send\\{app=demo,transport=BITCHAT\\}\\s+150\\s+0\\.0\\s+800ns\\s+2\\.00ms\\s+1\\.50s\\s+300\\.0us\\s+9000"),
            lines.get(3));
        assertTrue(lines.get(4).matches("transport_send\\{app=demo,transport=QUIC\\}\\s+200\\s+2\\.0\\s+250\\.0us\\s+2\\.00ms\\s+12\\.00ms\\s+300\\.0us\\s+12000"),
            lines.get(4));
        assertEquals(5, lines.size(), frame);
    }

    @Test
    void emptyWindowShowsDashesAndOtherWindowsAreSelectable() throws Exception
    {
        final JsonNode summary = json("{'series':[" + series("QUIC", 0, 10, 1, 0.001, 0.002) + "]}");
        final String frame = new TopView("u", "5m", 40).render(Instant.EPOCH, summary, null, null, null);
        assertTrue(frame.lines().anyMatch(l -> l.matches("transport_send\\{app=demo,transport=QUIC\\}\\s+0\\s+-\\s+-\\s+-\\s+-\\s+300\\.0us\\s+0")), frame);
    }

    @Test
    void rowsBeyondTheLimitAreSummarised() throws Exception
    {
        final JsonNode summary = json("{'series':[" + series("A", 1, 1, 0, 0.001, 0.001) + "," + series("B", 1, 1, 0, 0.001, 0.001) + ","
            + series("C", 1, 1, 0, 0.001, 0.001) + "]}");
        final String frame = new TopView("http://h:1", "1m", 2).render(Instant.EPOCH, summary, null, null, null);
        assertTrue(frame.contains("transport=A"), frame);
        assertTrue(frame.contains("transport=B"), frame);
        assertFalse(frame.contains("transport=C"), frame);
        assertTrue(frame.contains("... 1 more series (see http://h:1/metrics/summary)"), frame);
    }

    @Test
    void anomaliesAndSlosWhenServed() throws Exception
    {
        final JsonNode summary = json("{'series':[]}");
        final JsonNode anomalies = json("{'events_opened':3,'active':[{'labels':{'service':'demo','metric':'transport_send','kind':'transport',"
            + "'transport':'QUIC'},'signal':'latency_p99','detector':'mad','severity':'critical','start':'1970-01-01T00:00:00Z',"
            + "'peak_score':7.25,'peak_value':0.052}],'recent':[]}");
        final JsonNode slos = json("{'slos':[{'name':'vm-migrate-success','target':0.99,'window':'30d',"
            + "'error_budget':{'remaining_ratio':-0.5},'windows':[{'window':'5m','burn_rate':20.0,'sli_ratio':0.8},"
            + "{'window':'1h','burn_rate':15.5},{'window':'30d','sli_ratio':0.985}],"
            + "'alerts':[{'alert':'page','active':true},{'alert':'page','active':true},{'alert':'ticket','active':false}]}]}");
        final String frame = new TopView("u", "1m", 40).render(Instant.EPOCH, summary, anomalies, slos, null);
        assertTrue(frame.contains("(no series yet"), frame);
        assertTrue(frame.contains("ANOMALIES: 1 active, 3 opened since start"), frame);
        assertTrue(frame.lines().anyMatch(l -> l.matches(
            "\\s+CRITICAL transport_send\\{transport=QUIC\\} latency_p99 \\(mad\\) since \\d\\d:\\d\\d:\\d\\d, peak 7\\.3 sigma at 52\\.00ms")), frame);
        assertTrue(frame.lines().anyMatch(l -> l.matches(
            "\\s+vm-migrate-success\\s+target 99%  SLI\\(30d\\) 98\\.500%  budget left -50\\.0%  burn 5m 20\\.0x 1h 15\\.5x  alerts: PAGE")), frame);
    }

    @Test
    void notesUnderTheTitle() throws Exception
    {
        final String frame = new TopView("u", "1m", 40, List.of("look at u/metrics", "Ctrl-C stops")).render(Instant.EPOCH,
            json("{'series':[]}"), null, null, null);
        final List<String> lines = frame.lines().toList();
        assertEquals("look at u/metrics", lines.get(1));
        assertEquals("Ctrl-C stops", lines.get(2));
    }

    @Test
    void unreachableDaemonSaysSo()
    {
        final String frame = new TopView("http://127.0.0.1:1", "1m", 40).render(Instant.EPOCH, null, null, null, "hotpathd not reachable");
        assertTrue(frame.contains("hotpathd not reachable"), frame);
    }

    @Test
    void durationsInAsciiUnits()
    {
        assertEquals("999ns", TopView.duration(999e-9));
        assertEquals("1.0us", TopView.duration(1e-6));
        assertEquals("999.5us", TopView.duration(999.5e-6));
        assertEquals("1.00ms", TopView.duration(1e-3));
        assertEquals("2.50s", TopView.duration(2.5));
    }

    @Test
    void topIsASubcommand()
    {
        assertNotNull(Hotpathd.commandLine().getSubcommands().get("top"));
        assertNotNull(Hotpathd.commandLine().getSubcommands().get("rules"));
    }
}
