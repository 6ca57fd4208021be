package io.hotpath.daemon.expose;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * One HTTP endpoint. Runs on a Netty event loop: must not block, and should only read immutable
 * snapshots published by the aggregation thread. Build the response with {@link Responses}.
 */
@FunctionalInterface
public interface Route
{
    FullHttpResponse handle(FullHttpRequest request, ByteBufAllocator allocator);
}
