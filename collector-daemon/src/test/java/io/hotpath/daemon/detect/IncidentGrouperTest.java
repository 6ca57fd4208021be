package io.hotpath.daemon.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Events of several series that start together are one incident; a later, separate change is another. */
class IncidentGrouperTest
{
    private static final long T0 = 1_767_225_600_000L;

    private static Map<String, String> labels(final String transport)
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        labels.put("service", "demo");
        labels.put("metric", "transport_send");
        labels.put("transport", transport);
        return labels;
    }

    @Test
    void everyTransportSlowingDownAtOnceIsOneIncidentWithAMemberPerSeries() throws Exception
    {
        final AnomalyEngine engine = new AnomalyEngine(AnomalySettings.defaults());
        final List<String> changes = new ArrayList<>();
        engine.incidents().addListener((incident, change) -> changes.add(change + " #" + incident.id()));
        final Random random = new Random(3);
        final String[] transports = {"QUIC", "BETANET", "BITCHAT"};
        for (int s = 0; s < 900; s++)
        {
            for (int t = 0; t < transports.length; t++)
            {
                // all three slow down from second 300 to 330; only QUIC again from 700 to 730
                final boolean slow = (s >= 300 && s < 330) || (t == 0 && s >= 700 && s < 730);
                final long nanos = (long)((slow ? 60e6 : 2e6 + t * 1e6) * (1 + 0.03 * random.nextGaussian()));
                engine.onInterval(FakeInterval.uniform("demo/transport_send{" + transports[t] + "}", labels(transports[t]),
                    T0 + s * 1000L, 200, 0, nanos));
            }
        }
        assertEquals(2, engine.incidents().opened(), changes.toString());
        final List<IncidentGrouper.Incident> recent = engine.incidents().recent(10);
        assertEquals(2, recent.size());
        final IncidentGrouper.Incident first = recent.get(1);
        assertEquals(3, first.members().stream().map(IncidentGrouper.Member::seriesKey).distinct().count(),
            first.toString());
        assertEquals("up", first.direction());
        assertTrue(first.alertMillis() >= T0 + 300_000 && first.alertMillis() <= T0 + 305_000, first.toString());
        assertEquals(1, recent.get(0).members().stream().map(IncidentGrouper.Member::seriesKey).distinct().count());
        assertTrue(changes.contains("OPENED #1") && changes.contains("CLOSED #1") && changes.contains("OPENED #2"), changes.toString());
        assertTrue(engine.incidents().active().isEmpty());

        final JsonNode json = new ObjectMapper().readTree(engine.anomaliesJson(10));
        assertEquals(2, json.get("incidents_opened").asInt());
        assertEquals("closed", json.get("incidents").get(0).get("state").asText());
        assertTrue(json.get("incidents").get(1).get("members").size() >= 3);
    }
}
