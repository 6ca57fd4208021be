package io.hotpath.daemon.expose;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Dispatches a request to its {@link Route}: 404 for unknown paths, 405 (with {@code Allow}) for
 * other methods, {@code HEAD} on every {@code GET} route (the GET's headers, no body), 400 for requests the codec could not parse, 500 if a route throws. Writes in
 * {@link #channelRead0}, flushes once in {@link #channelReadComplete}. Stateless: one instance is
 * shared by all channels.
 */
@io.netty.channel.ChannelHandler.Sharable
public final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest>
{
    private static final Logger LOG = Logger.getLogger(HttpRequestHandler.class.getName());

    private final Routes routes;

    public HttpRequestHandler(final Routes routes)
    {
        this.routes = routes;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        final FullHttpResponse response = respond(ctx, request);
        if (response != null)
        {
            ctx.write(response);
        }
    }

    /** The response now, or null when a {@link DeferredRoute} writes it later. */
    private FullHttpResponse respond(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        if (!request.decoderResult().isSuccess())
        {
            return Responses.text(HttpResponseStatus.BAD_REQUEST, "malformed request\n");
        }
        final String path = new QueryStringDecoder(request.uri()).path();
        final Map<HttpMethod, Route> methods = routes.methods(path);
        if (methods == null)
        {
            return Responses.text(HttpResponseStatus.NOT_FOUND, "no such endpoint: " + path + "; try " + routes.paths() + "\n");
        }
        final boolean head = HttpMethod.HEAD.equals(request.method()) && !methods.containsKey(HttpMethod.HEAD);
        final Route route = methods.get(head ? HttpMethod.GET : request.method());
        if (route == null)
        {
            final FullHttpResponse response = Responses.text(HttpResponseStatus.METHOD_NOT_ALLOWED,
                request.method() + " not allowed on " + path + "\n");
            response.headers().set(HttpHeaderNames.ALLOW,
                Stream.concat(methods.keySet().stream().map(HttpMethod::name),
                    methods.containsKey(HttpMethod.GET) ? Stream.of("HEAD") : Stream.empty())
                    .distinct().sorted().collect(Collectors.joining(", ")));
            return response;
        }
        try
        {
            if (route instanceof Routes.Deferred deferred)
            {
                deferred.route().handleLater(request, ctx.alloc(), ctx.executor()).whenComplete((response, failure) ->
                {
                    if (failure != null || response == null)
                    {
                        LOG.log(Level.WARNING, "route " + path + " failed", failure);
                        ctx.writeAndFlush(Responses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n"));
                    }
                    else
                    {
                        ctx.writeAndFlush(head ? headersOnly(response) : response);
                    }
                });
                return null;
            }
            final FullHttpResponse response = route.handle(request, ctx.alloc());
            return head ? headersOnly(response) : response;
        }
        catch (final RuntimeException e)
        {
            LOG.log(Level.WARNING, "route " + path + " failed", e);
            return Responses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n");
        }
    }

    /** A HEAD response: the GET's status and headers (Content-Length included), no body. */
    private static FullHttpResponse headersOnly(final FullHttpResponse get)
    {
        final FullHttpResponse head = new DefaultFullHttpResponse(get.protocolVersion(), get.status(), Unpooled.EMPTY_BUFFER);
        head.headers().set(get.headers());
        get.release();
        return head;
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        LOG.log(Level.FINE, "connection error, closing " + ctx.channel(), cause);
        ctx.close();
    }
}
