package io.hotpath.agent.record;

import java.net.http.HttpResponse;

/**
 * The JDK's {@link HttpResponse}, read without reflection. A class of its own so that nothing
 * resolves {@code java.net.http} in a runtime image without that module: callers test
 * {@link #PRESENT} first.
 */
final class JdkHttpResponses
{
    static final boolean PRESENT = ModuleLayer.boot().findModule("java.net.http").isPresent();

    private JdkHttpResponses()
    {
    }

    static boolean is(final Object response)
    {
        return response instanceof HttpResponse;
    }

    /** 0 when the response's own {@code statusCode()} throws (a user's implementation may). */
    static int statusCode(final Object response)
    {
        try
        {
            return ((HttpResponse<?>)response).statusCode();
        }
        catch (final RuntimeException | Error e)
        {
            return 0;
        }
    }
}
