package io.hotpath.daemon.expose;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * First handler of every connection: admits it through the shared {@link ConnectionLimiter} and
 * closes it when it idles or sends its request too slowly. One instance per connection; all its
 * methods run on the connection's event loop.
 *
 * <pre>
 *   connect ─► IDLE ──first byte──► READING ──complete request──► ANSWERING ──response written──► IDLE
 *               │ idle timeout        │ request timeout (408)
 *               ▼                     ▼
 *             closed                closed
 * </pre>
 *
 * A slow request (headers trickling in, a body that never completes) is bounded by the request
 * timeout from its first byte, not by the gap between bytes.
 */
final class ConnectionGuard extends ChannelDuplexHandler
{
    private static final byte[] SHED = ("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n" +
        "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REQUEST_TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n" +
        "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private enum Phase { IDLE, READING, ANSWERING }

    private final ConnectionLimiter limiter;
    private final HttpLimits limits;
    private final ScrapeStats stats;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.IDLE;
    private ScheduledFuture<?> timer;
    private boolean admitted;
    private boolean shed;

    ConnectionGuard(final ConnectionLimiter limiter, final HttpLimits limits, final ScrapeStats stats)
    {
        this.limiter = limiter;
        this.limits = limits;
        this.stats = stats;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        admitted = true;
        if (!limiter.admit(ctx.channel()))
        {
            shed = true;
            ctx.writeAndFlush(Unpooled.wrappedBuffer(SHED)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        arm(limits.idleTimeoutMillis(), ScrapeStats.CLOSED_IDLE_TIMEOUT, null);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (shed)
        {
            // Answered 503 and closing: its request is not served.
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        if (phase == Phase.IDLE && msg instanceof ByteBuf)
        {
            phase = Phase.READING;
            arm(limits.requestTimeoutMillis(), ScrapeStats.CLOSED_REQUEST_TIMEOUT, REQUEST_TIMEOUT);
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * The guard's second half, placed between the aggregator and the routes: sees each complete
     * request arrive and its response go out.
     */
    ChannelDuplexHandler requestHook()
    {
        return new ChannelDuplexHandler()
        {
            @Override
            public void channelRead(final ChannelHandlerContext hookCtx, final Object msg)
            {
                phase = Phase.ANSWERING;
                cancel();
                limiter.busy(hookCtx.channel());
                hookCtx.fireChannelRead(msg);
            }

            @Override
            public void write(final ChannelHandlerContext hookCtx, final Object msg, final ChannelPromise promise)
            {
                if (msg instanceof LastHttpContent)
                {
                    final ChannelPromise written = promise.unvoid();
                    written.addListener(future -> responded());
                    hookCtx.write(msg, written);
                    return;
                }
                hookCtx.write(msg, promise);
            }
        };
    }

    private void responded()
    {
        if (phase != Phase.ANSWERING || !ctx.channel().isActive())
        {
            return;
        }
        phase = Phase.IDLE;
        limiter.idle(ctx.channel());
        arm(limits.idleTimeoutMillis(), ScrapeStats.CLOSED_IDLE_TIMEOUT, null);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        cancel();
        if (admitted)
        {
            limiter.closed(ctx.channel());
            admitted = false;
        }
        ctx.fireChannelInactive();
    }

    private void arm(final long millis, final String reason, final byte[] response)
    {
        cancel();
        timer = ctx.executor().schedule(() ->
        {
            timer = null;
            if (!ctx.channel().isActive())
            {
                return;
            }
            stats.connectionClosed(reason);
            if (response == null)
            {
                ctx.close();
            }
            else
            {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(response)).addListener(ChannelFutureListener.CLOSE);
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    private void cancel()
    {
        if (timer != null)
        {
            timer.cancel(false);
            timer = null;
        }
    }
}
