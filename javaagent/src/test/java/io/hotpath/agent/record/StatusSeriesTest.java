package io.hotpath.agent.record;

import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLSession;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class StatusSeriesTest
{
    private final StatusSeries status = new StatusSeries(new SeriesRegistry(List.of()));

    @Test
    void readsTheJdkResponseWithoutAHandle()
    {
        assertTrue(JdkHttpResponses.PRESENT, "java.net.http is in the test JVM's boot layer");
        assertEquals(503, status.statusCode(new JdkResponse(503)));
        assertEquals(0, status.statusCode(new JdkResponse(-1)), "a statusCode() that throws reads as no code");
    }

    @Test
    void followsTheResponseClassWhenClientsTakeTurns()
    {
        // the one-entry cache must never answer with the previous class's accessor
        for (int i = 0; i < 1_000; i++)
        {
            assertEquals(200 + i % 7, status.statusCode(new OkHttpLike(200 + i % 7)));
            assertEquals(404, status.statusCode(new ApacheLike(404)));
            assertEquals(0, status.statusCode("no accessor"));
            assertEquals(302, status.statusCode(new JdkResponse(302)));
            assertEquals(0, status.statusCode(new Throwing()));
        }
    }

    public static final class OkHttpLike
    {
        private final int code;

        OkHttpLike(final int code)
        {
            this.code = code;
        }

        public int code()
        {
            return code;
        }
    }

    public static final class ApacheLike
    {
        private final int code;

        ApacheLike(final int code)
        {
            this.code = code;
        }

        public int getCode()
        {
            return code;
        }
    }

    public static final class Throwing
    {
        public int getStatus()
        {
            throw new IllegalStateException("no status yet");
        }
    }

    /** A JDK {@link HttpResponse} of the test's own (status -1: {@code statusCode()} throws). */
    private static final class JdkResponse implements HttpResponse<String>
    {
        private final int code;

        JdkResponse(final int code)
        {
            this.code = code;
        }

        @Override
        public int statusCode()
        {
            if (code < 0)
            {
                throw new IllegalStateException("not received");
            }
            return code;
        }

        @Override
        public HttpRequest request()
        {
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).build();
        }

        @Override
        public Optional<HttpResponse<String>> previousResponse()
        {
            return Optional.empty();
        }

        @Override
        public HttpHeaders headers()
        {
            return HttpHeaders.of(Map.of(), (a, b) -> true);
        }

        @Override
        public String body()
        {
            return "";
        }

        @Override
        public Optional<SSLSession> sslSession()
        {
            return Optional.empty();
        }

        @Override
        public URI uri()
        {
            return URI.create("http://127.0.0.1/");
        }

        @Override
        public HttpClient.Version version()
        {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
