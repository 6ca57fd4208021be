package io.hotpath.daemon.expose;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Response builders shared by routes: bytes, text, JSON (Jackson). */
public final class Responses
{
    public static final String JSON = "application/json; charset=utf-8";
    private static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Responses()
    {
    }

    /** Wraps {@code body} without copying: it must be immutable (a published snapshot). */
    public static FullHttpResponse bytes(final HttpResponseStatus status, final String contentType, final byte[] body)
    {
        return withBody(status, contentType, Unpooled.wrappedBuffer(body));
    }

    public static FullHttpResponse text(final HttpResponseStatus status, final String text)
    {
        return withBody(status, "text/plain; charset=utf-8", Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    public static FullHttpResponse json(final HttpResponseStatus status, final Object value, final ByteBufAllocator allocator)
    {
        try
        {
            return bytes(status, JSON, MAPPER.writeValueAsBytes(value));
        }
        catch (final JsonProcessingException e)
        {
            return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot render JSON: " + e.getMessage() + "\n");
        }
    }

    /** A JSON object with these fields in this order: alternating names and values (null values allowed). */
    public static Map<String, Object> object(final Object... namesAndValues)
    {
        final Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2)
        {
            object.put((String)namesAndValues[i], namesAndValues[i + 1]);
        }
        return object;
    }

    private static FullHttpResponse withBody(final HttpResponseStatus status, final String contentType, final ByteBuf body)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }
}
