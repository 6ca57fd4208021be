package io.hotpath.daemon.expose;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;

/**
 * Path + method → {@link Route}. Exact paths (no patterns): {@code GET /api/anomalies} is
 * {@code routes.get("/api/anomalies", route)}. Unknown paths answer 404, known paths with another
 * method 405 with an {@code Allow} header ({@link HttpRequestHandler}).
 */
public final class Routes
{
    private final Map<String, Map<HttpMethod, Route>> byPath = new ConcurrentHashMap<>();

    public Routes add(final HttpMethod method, final String path, final Route route)
    {
        final Route previous = byPath.computeIfAbsent(path, p -> new ConcurrentHashMap<>()).putIfAbsent(method, route);
        if (previous != null)
        {
            throw new IllegalStateException(method + " " + path + " is already routed");
        }
        return this;
    }

    public Routes get(final String path, final Route route)
    {
        return add(HttpMethod.GET, path, route);
    }

    /** A route that answers later; {@link HttpRequestHandler} lets it, callers of {@link Route#handle} wait for it. */
    public Routes add(final HttpMethod method, final String path, final DeferredRoute route)
    {
        return add(method, path, new Deferred(route));
    }

    public Routes get(final String path, final DeferredRoute route)
    {
        return add(HttpMethod.GET, path, route);
    }

    /** A {@link DeferredRoute} in the table: as a {@link Route} it blocks until the response is there (outside an event loop only). */
    record Deferred(DeferredRoute route) implements Route
    {
        @Override
        public FullHttpResponse handle(final FullHttpRequest request, final ByteBufAllocator allocator)
        {
            return route.handleLater(request, allocator, Runnable::run).toCompletableFuture().join();
        }
    }

    /** The methods of {@code path}, or null when the path is unknown. */
    Map<HttpMethod, Route> methods(final String path)
    {
        return byPath.get(path);
    }

    public Set<String> paths()
    {
        return new TreeSet<>(byPath.keySet());
    }
}
