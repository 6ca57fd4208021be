package io.hotpath.daemon.expose;

import io.hotpath.daemon.detect.AnomalyEngine;
import io.hotpath.daemon.slo.SloEngine;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /api/anomalies} and {@code GET /api/slos}: the engines' JSON documents, read on the
 * event loop from what the aggregation thread published. Both answer even when their engine is off
 * ({@code "enabled": false}), so a dashboard or script can tell "off" from "nothing happening".
 *
 * <ul>
 *   <li>{@code /api/anomalies?limit=N&scores=all}: open events, the last {@code N} closed ones
 *       (default 100, at most the engine's {@code recent_events}) and, with {@code scores=all}, the
 *       current score of every watched series, signal and detector.</li>
 *   <li>{@code /api/slos}: every SLO's SLI per window, burn rates, error budget, events and alerts.</li>
 * </ul>
 */
public final class AnalysisRoutes
{
    static final int DEFAULT_EVENT_LIMIT = 100;
    private static final byte[] ANOMALIES_OFF = ("{\"enabled\":false,\"active\":[],\"recent\":[]}")
        .getBytes(StandardCharsets.UTF_8);
    private static final byte[] SLOS_OFF = "{\"enabled\":false,\"slos\":[]}".getBytes(StandardCharsets.UTF_8);

    private final Supplier<AnomalyEngine> anomalyEngine;
    private final Supplier<SloEngine> sloEngine;

    /** Either engine may be null (switched off). */
    public AnalysisRoutes(final AnomalyEngine anomalies, final SloEngine slos)
    {
        this(() -> anomalies, () -> slos);
    }

    /** The engines current at each request (a configuration reload replaces them); either may give null. */
    public AnalysisRoutes(final Supplier<AnomalyEngine> anomalies, final Supplier<SloEngine> slos)
    {
        this.anomalyEngine = anomalies;
        this.sloEngine = slos;
    }

    public Routes register(final Routes routes)
    {
        return routes
            .get("/api/anomalies", (request, allocator) -> anomalyEngine.get() == null
                ? Responses.bytes(HttpResponseStatus.OK, Responses.JSON, ANOMALIES_OFF)
                : anomalies(anomalyEngine.get(), request))
            .get("/api/slos", (request, allocator) ->
            {
                final SloEngine slos = sloEngine.get();
                return Responses.bytes(HttpResponseStatus.OK, Responses.JSON, slos == null ? SLOS_OFF : slos.slosJson());
            });
    }

    private io.netty.handler.codec.http.FullHttpResponse anomalies(final AnomalyEngine anomalies, final FullHttpRequest request)
    {
        final QueryStringDecoder query = new QueryStringDecoder(request.uri());
        int limit = DEFAULT_EVENT_LIMIT;
        final List<String> limits = query.parameters().get("limit");
        if (limits != null && !limits.isEmpty())
        {
            try
            {
                limit = Integer.parseInt(limits.get(0));
            }
            catch (final NumberFormatException e)
            {
                limit = -1;
            }
            if (limit < 0)
            {
                return Responses.text(HttpResponseStatus.BAD_REQUEST, "limit: expected a whole number >= 0, got '" + limits.get(0) + "'\n");
            }
        }
        final List<String> scores = query.parameters().get("scores");
        final boolean allScores = scores != null && scores.contains("all");
        return Responses.bytes(HttpResponseStatus.OK, Responses.JSON, anomalies.anomaliesJson(limit, allScores));
    }
}
