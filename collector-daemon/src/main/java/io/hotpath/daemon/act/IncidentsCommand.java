package io.hotpath.daemon.act;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hotpathd incidents}: the incident timeline of a running daemon in the terminal, and the
 * approve/reject/switch calls, over its HTTP API (so it needs no access to the state directory).
 */
@Command(
    name = "incidents",
    mixinStandardHelpOptions = true,
    description = {
        "Incidents of a running hotpathd (GET /api/incidents): one line each, newest first, with the timeline",
        "of open ones (or of --id). Subcommands approve/reject an action waiting for approval, or switch all",
        "actions off and on." },
    footer = { "", "Exit codes: 0 done, 1 the daemon refused or could not be reached, 2 bad arguments." },
    subcommands = {
        IncidentsCommand.Approve.class,
        IncidentsCommand.Reject.class,
        IncidentsCommand.Switch.class,
    })
public final class IncidentsCommand implements Callable<Integer>
{
    private static final ObjectMapper JSON = new ObjectMapper();
    /** In a holder: picocli instantiates every subcommand when hotpathd starts, and a daemon needs no client. */
    private static final class Http
    {
        static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    }

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:9464",
        description = "hotpathd's address (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--id", paramLabel = "N", description = "Only this incident, with its full timeline.")
    Long id;

    @Option(names = "--state", paramLabel = "STATE", description = "open or resolved (default: both).")
    String state;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "Incidents at most (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print the JSON of /api/incidents as it is.")
    boolean json;

    @Override
    public Integer call()
    {
        String query = "?limit=" + limit;
        query += id == null ? "" : "&id=" + id;
        query += state == null ? "" : "&state=" + state;
        final HttpResponse<String> response;
        try
        {
            response = Http.CLIENT.send(HttpRequest.newBuilder(URI.create(url + "/api/incidents" + query)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200)
            {
                System.err.println("hotpathd incidents: " + url + " answered " + response.statusCode() + ": " + response.body());
                return 1;
            }
            if (json)
            {
                System.out.println(response.body());
                return 0;
            }
            print(JSON.readTree(response.body()), id != null, System.out);
            return 0;
        }
        catch (final IOException e)
        {
            System.err.println("hotpathd incidents: cannot reach " + url + ": " + e);
            return 1;
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** The terminal listing (also used by {@code hotpathd top}). */
    public static void print(final JsonNode body, final boolean timelines, final PrintStream out)
    {
        final JsonNode remediation = body.path("remediation");
        out.printf(Locale.ROOT, "%d open incident(s); actions %s%s%n", body.path("open").asInt(),
            remediation.path("switched_on").asBoolean(true) ? "on" : "SWITCHED OFF",
            remediation.path("awaiting_approval").asInt() > 0 ? ", " + remediation.path("awaiting_approval").asInt() + " awaiting approval" : "");
        remediation.path("actions").fields().forEachRemaining(action ->
        {
            if (action.getValue().path("breaker_open").asBoolean())
            {
                out.println("  action " + action.getKey() + ": BREAKER OPEN (disabled after " +
                    action.getValue().path("failures_in_a_row").asInt() + " failed remediations)");
            }
        });
        for (final JsonNode incident : body.path("incidents"))
        {
            out.printf(Locale.ROOT, "#%-5d %-8s %-8s %s  %s%n", incident.path("id").asLong(), incident.path("state").asText(),
                incident.path("severity").asText(), incident.path("opened").asText(), incident.path("summary").asText());
            if (timelines || incident.path("state").asText().equals("open"))
            {
                for (final JsonNode entry : incident.path("timeline"))
                {
                    out.printf(Locale.ROOT, "         %s  %-16s %s%n", entry.path("at").asText(), entry.path("type").asText(), details(entry));
                }
            }
        }
    }

    /** The short incidents section of {@code hotpathd top}: open incidents, their last step; empty without {@code /api/incidents}. */
    public static String topSection(final JsonNode body)
    {
        if (body == null || !body.has("incidents"))
        {
            return "";
        }
        final StringBuilder text = new StringBuilder("\nINCIDENTS: ").append(body.path("open").asInt()).append(" open");
        final JsonNode remediation = body.path("remediation");
        if (!remediation.path("switched_on").asBoolean(true))
        {
            text.append(", actions SWITCHED OFF");
        }
        if (remediation.path("awaiting_approval").asInt() > 0)
        {
            text.append(", ").append(remediation.path("awaiting_approval").asInt()).append(" awaiting approval");
        }
        text.append('\n');
        int shown = 0;
        for (final JsonNode incident : body.path("incidents"))
        {
            if (!incident.path("state").asText().equals("open") || shown++ >= 5)
            {
                continue;
            }
            final JsonNode timeline = incident.path("timeline");
            final JsonNode last = timeline.size() == 0 ? incident : timeline.get(timeline.size() - 1);
            text.append(String.format(Locale.ROOT, "  #%-5d %-8s %s  [%s %s]%n", incident.path("id").asLong(),
                incident.path("severity").asText(), incident.path("summary").asText(), last.path("type").asText(),
                last.path("action").asText("")));
        }
        return text.toString();
    }

    private static String details(final JsonNode entry)
    {
        final StringBuilder text = new StringBuilder();
        for (final String field : new String[] { "action", "target", "severity", "member", "state", "to", "reason", "would_run", "run",
            "exit_code", "error", "by", "outcome" })
        {
            if (entry.hasNonNull(field) && !entry.path(field).asText().isEmpty())
            {
                text.append(field).append('=').append(entry.path(field).asText()).append(' ');
            }
        }
        final String output = entry.path("output").asText("").strip();
        if (!output.isEmpty())
        {
            text.append("output=").append(output.length() > 80 ? output.substring(0, 80).replace('\n', ' ') + "…" : output.replace('\n', ' '));
        }
        return text.toString().strip();
    }

    /** The shared part of the POST subcommands. */
    abstract static class Post implements Callable<Integer>
    {
        @picocli.CommandLine.ParentCommand
        IncidentsCommand parent;

        @Option(names = "--token-file", paramLabel = "FILE", defaultValue = "/etc/hotpath/approval.token",
            description = "File with the bearer token (remediation.approval-token-file; default: ${DEFAULT-VALUE}).")
        Path tokenFile;

        abstract String path();

        @Override
        public Integer call()
        {
            try
            {
                final String token = Files.readString(tokenFile).strip();
                final HttpResponse<String> response = Http.CLIENT.send(HttpRequest.newBuilder(URI.create(parent.url + path()))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                    .header("User-Agent", "hotpathd-cli/" + System.getProperty("user.name", "?"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                (response.statusCode() == 200 ? System.out : System.err).print(response.body());
                return response.statusCode() == 200 ? 0 : 1;
            }
            catch (final IOException e)
            {
                System.err.println("hotpathd incidents: " + e);
                return 1;
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
    }

    /** {@code approve ID} and {@code reject ID}: POST /api/incidents/{approve,reject}?id=ID. */
    abstract static class Decision extends Post
    {
        @Parameters(paramLabel = "ID", description = "Incident id.")
        long incident;

        /** {@code approve} or {@code reject}: the subcommand's name and the endpoint's. */
        abstract String decision();

        @Override
        String path()
        {
            return "/api/incidents/" + decision() + "?id=" + incident;
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve the actions of an incident that wait for approval: they run now (guardrails permitting).")
    static final class Approve extends Decision
    {
        @Override
        String decision()
        {
            return "approve";
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject the actions of an incident that wait for approval: they never run.")
    static final class Reject extends Decision
    {
        @Override
        String decision()
        {
            return "reject";
        }
    }

    @Command(name = "switch", mixinStandardHelpOptions = true, description = "Switch every remediation action off or on (kept across restarts).")
    static final class Switch extends Post
    {
        @Parameters(paramLabel = "on|off", description = "on or off.")
        String onOff;

        @Override
        String path()
        {
            if (!onOff.equals("on") && !onOff.equals("off"))
            {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "expected on or off, got '" + onOff + "'");
            }
            return "/api/actions/switch?enabled=" + onOff.equals("on");
        }
    }
}
