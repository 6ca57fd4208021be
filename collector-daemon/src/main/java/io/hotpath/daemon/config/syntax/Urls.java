package io.hotpath.daemon.config.syntax;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The config's http(s) URLs (push, remote-write, Alertmanager, webhooks). Durations and sizes are
 * {@link io.hotpath.wire.config.Durations} and {@link io.hotpath.wire.config.Sizes}, shared with the agent.
 */
public final class Urls
{

    private Urls()
    {
    }

    /**
     * An absolute http or https URL with a host; {@code example} (or null) is shown in the error,
     * e.g. {@code http://127.0.0.1:9091}.
     */
    public static URI httpUrl(final String value, final String example)
    {
        try
        {
            final URI uri = new URI(value);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null)
            {
                throw new IllegalArgumentException("expected an http(s) URL" + (example == null ? "" : " such as " + example) +
                    ", got '" + value + "'");
            }
            return uri;
        }
        catch (final URISyntaxException e)
        {
            throw new IllegalArgumentException("not a URL: '" + value + "'");
        }
    }
}
