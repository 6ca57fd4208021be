package io.hotpath.daemon.expose;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * An endpoint whose response may come later, from another thread: {@code /metrics} when the format
 * asked for is rendered at the next rotation. Runs on the event loop like a {@link Route} and must
 * not block; read everything needed from the request before returning (it is released then).
 * Build the response on {@code eventLoop} (e.g. {@code handleAsync(…, eventLoop)}), not on the
 * thread that completes the wait (the aggregation thread, a timer).
 * Responses on one connection keep their order only without pipelining (HTTP clients such as
 * Prometheus send one request at a time).
 * Not a {@link Route}: {@link Routes} wraps it in one that waits for the response, for callers
 * outside an event loop.
 */
@FunctionalInterface
public interface DeferredRoute
{
    CompletionStage<FullHttpResponse> handleLater(FullHttpRequest request, ByteBufAllocator allocator, Executor eventLoop);
}
