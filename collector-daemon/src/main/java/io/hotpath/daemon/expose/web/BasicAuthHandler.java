package io.hotpath.daemon.expose.web;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP basic authentication against bcrypt hashes ({@code basic_auth_users} of {@link WebConfig}),
 * before any route. A bcrypt check costs tens of milliseconds by design, so a verified
 * user/password pair is remembered (as a SHA-256 of both) for following scrapes, as exporter-toolkit
 * does. Failures answer 401 with {@code WWW-Authenticate} and count in {@link #failures()}.
 */
@ChannelHandler.Sharable
public final class BasicAuthHandler extends ChannelInboundHandlerAdapter
{
    private static final int MAX_REMEMBERED = 1024;

    private final Map<String, String> users;
    private final Map<String, Boolean> verified = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();

    public BasicAuthHandler(final Map<String, String> users)
    {
        this.users = Map.copyOf(users);
    }

    /** Requests refused for missing or wrong credentials. */
    public long failures()
    {
        return failures.get();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object message)
    {
        if (message instanceof FullHttpRequest request && !authorized(request.headers().get(HttpHeaderNames.AUTHORIZATION)))
        {
            request.release();
            failures.incrementAndGet();
            final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED,
                Unpooled.copiedBuffer("Unauthorized\n", StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"hotpathd\", charset=\"UTF-8\"");
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireChannelRead(message);
    }

    boolean authorized(final String header)
    {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6))
        {
            return false;
        }
        final String decoded;
        try
        {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        }
        catch (final IllegalArgumentException e)
        {
            return false;
        }
        final int colon = decoded.indexOf(':');
        if (colon < 0)
        {
            return false;
        }
        final String user = decoded.substring(0, colon);
        final String hash = users.get(user);
        if (hash == null)
        {
            return false;
        }
        final String key = sha256(decoded + '\0' + hash);
        if (verified.containsKey(key))
        {
            return true;
        }
        final boolean ok = BCrypt.verifyer().verify(decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8),
            hash.getBytes(StandardCharsets.UTF_8)).verified;
        if (ok)
        {
            if (verified.size() >= MAX_REMEMBERED)
            {
                verified.clear();
            }
            verified.put(key, Boolean.TRUE);
        }
        return ok;
    }

    private static String sha256(final String text)
    {
        try
        {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException(e);
        }
    }
}
