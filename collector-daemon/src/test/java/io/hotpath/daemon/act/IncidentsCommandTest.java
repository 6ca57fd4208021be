package io.hotpath.daemon.act;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The terminal listing of {@code hotpathd incidents} and the incidents section of {@code hotpathd top}. */
class IncidentsCommandTest
{
    private static final String BODY = """
        {"open":1,"remediation":{"switched_on":false,"awaiting_approval":1,
          "actions":{"restart":{"breaker_open":true,"failures_in_a_row":2}}},
         "incidents":[
          {"id":2,"state":"open","severity":"critical","opened":"2026-12-06T08:00:00Z","summary":"anomaly on checkout pay",
           "timeline":[{"type":"detected","at":"2026-12-06T08:00:00Z","severity":"critical"},
                       {"type":"action_proposed","at":"2026-12-06T08:00:01Z","action":"failover","target":"checkout"}]},
          {"id":1,"state":"resolved","severity":"page","opened":"2026-12-06T07:00:00Z","summary":"SLO pay burns",
           "timeline":[{"type":"detected","at":"2026-12-06T07:00:00Z"},{"type":"resolved","at":"2026-12-06T07:10:00Z"}]}]}
        """;

    @Test
    void theListingShowsOpenTimelinesTheSwitchAndOpenBreakers() throws Exception
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        IncidentsCommand.print(new ObjectMapper().readTree(BODY), false, new PrintStream(out, true, StandardCharsets.UTF_8));
        final String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("1 open incident(s); actions SWITCHED OFF, 1 awaiting approval\n"), text);
        assertTrue(text.contains("action restart: BREAKER OPEN (disabled after 2 failed remediations)"), text);
        assertTrue(text.contains("#2     open     critical"), text);
        assertTrue(text.contains("action_proposed  action=failover target=checkout"), text);
        assertTrue(text.contains("#1     resolved page"), text);
        assertTrue(!text.contains("07:10:00Z"), "resolved incidents without their timeline unless asked: " + text);
    }

    @Test
    void topShowsOpenIncidentsWithTheirLastStep() throws Exception
    {
        final JsonNode body = new ObjectMapper().readTree(BODY);
        assertEquals("\nINCIDENTS: 1 open, actions SWITCHED OFF, 1 awaiting approval\n"
            + "  #2     critical anomaly on checkout pay  [action_proposed failover]\n", IncidentsCommand.topSection(body));
        assertEquals("", IncidentsCommand.topSection(null), "a daemon without /api/incidents");
    }
}
