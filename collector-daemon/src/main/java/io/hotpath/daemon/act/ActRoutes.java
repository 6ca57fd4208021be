package io.hotpath.daemon.act;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotpath.daemon.expose.DeferredRoute;
import io.hotpath.daemon.expose.Responses;
import io.hotpath.daemon.expose.Routes;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * The incident endpoints.
 * <ul>
 *   <li>{@code GET /api/incidents[?id=N][&state=open|resolved][&limit=N]}: incidents newest first with
 *       their timelines, and the actions' guardrail state.</li>
 *   <li>{@code POST /api/incidents/approve?id=N}, {@code POST /api/incidents/reject?id=N}: decide an
 *       incident's actions waiting for approval.</li>
 *   <li>{@code POST /api/actions/switch?enabled=false|true}: the global action switch.</li>
 * </ul>
 * The POSTs need {@code Authorization: Bearer <token>}, the token being the content of
 * {@code remediation.approval-token-file} (read per request, so it can be rotated); without that
 * file they answer 403. The listener is loopback unless configured otherwise.
 */
public final class ActRoutes
{
    private static final int DEFAULT_LIMIT = 100;

    private final ActEngine engine;

    public ActRoutes(final ActEngine engine)
    {
        this.engine = engine;
    }

    public Routes register(final Routes routes)
    {
        return routes
            .get("/api/incidents", (request, allocator) -> incidents(new QueryStringDecoder(request.uri())))
            .add(HttpMethod.POST, "/api/incidents/approve", decision(true))
            .add(HttpMethod.POST, "/api/incidents/reject", decision(false))
            .add(HttpMethod.POST, "/api/actions/switch", (DeferredRoute)(request, allocator, eventLoop) ->
            {
                final FullHttpResponse refused = authorize(request);
                if (refused != null)
                {
                    return CompletableFuture.completedFuture(refused);
                }
                final String enabled = param(new QueryStringDecoder(request.uri()), "enabled");
                if (!"true".equals(enabled) && !"false".equals(enabled))
                {
                    return CompletableFuture.completedFuture(Responses.text(HttpResponseStatus.BAD_REQUEST, "expected ?enabled=true or ?enabled=false\n"));
                }
                return reply(engine.switchActions(Boolean.parseBoolean(enabled), "http"), eventLoop);
            });
    }

    private DeferredRoute decision(final boolean approve)
    {
        return (request, allocator, eventLoop) ->
        {
            final FullHttpResponse refused = authorize(request);
            if (refused != null)
            {
                return CompletableFuture.completedFuture(refused);
            }
            final long id;
            try
            {
                id = Long.parseLong(String.valueOf(param(new QueryStringDecoder(request.uri()), "id")));
            }
            catch (final NumberFormatException e)
            {
                return CompletableFuture.completedFuture(Responses.text(HttpResponseStatus.BAD_REQUEST, "expected ?id=<incident id>\n"));
            }
            final String by = request.headers().get(HttpHeaderNames.USER_AGENT, "http");
            return reply(engine.decide(id, approve, by), eventLoop);
        };
    }

    private static CompletionStage<FullHttpResponse> reply(final CompletableFuture<String> result, final Executor eventLoop)
    {
        return result.handleAsync((text, error) -> error != null
            ? Responses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, error + "\n")
            : Responses.text(text.startsWith("no ") || text.contains(" has no ") ? HttpResponseStatus.CONFLICT : HttpResponseStatus.OK,
                text.endsWith("\n") ? text : text + "\n"), eventLoop);
    }

    private FullHttpResponse authorize(final FullHttpRequest request)
    {
        final Path tokenFile = engine.remediation().approvalTokenFile();
        if (tokenFile == null)
        {
            return Responses.text(HttpResponseStatus.FORBIDDEN, "set remediation.approval-token-file to allow this\n");
        }
        final String expected;
        try
        {
            expected = Files.readString(tokenFile).strip();
        }
        catch (final IOException e)
        {
            return Responses.text(HttpResponseStatus.FORBIDDEN, "cannot read the approval token file\n");
        }
        final String header = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
        final String given = header.startsWith("Bearer ") ? header.substring(7).strip() : "";
        if (expected.isEmpty() || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8)))
        {
            return Responses.text(HttpResponseStatus.UNAUTHORIZED, "a valid Authorization: Bearer <token> is required\n");
        }
        return null;
    }

    private FullHttpResponse incidents(final QueryStringDecoder query)
    {
        final String id = param(query, "id");
        final String state = param(query, "state");
        int limit = DEFAULT_LIMIT;
        try
        {
            if (param(query, "limit") != null)
            {
                limit = Math.max(0, Integer.parseInt(param(query, "limit")));
            }
        }
        catch (final NumberFormatException e)
        {
            return Responses.text(HttpResponseStatus.BAD_REQUEST, "limit must be a number\n");
        }
        final ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("open", engine.openIncidents());
        body.set("remediation", engine.actions());
        final ArrayNode list = body.putArray("incidents");
        for (final ObjectNode incident : engine.incidents())
        {
            if (list.size() >= limit)
            {
                break;
            }
            if ((id == null || id.equals(incident.path("id").asText())) && (state == null || state.equals(incident.path("state").asText())))
            {
                list.add(incident);
            }
        }
        return Responses.bytes(HttpResponseStatus.OK, Responses.JSON, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String param(final QueryStringDecoder query, final String name)
    {
        final List<String> values = query.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
