package io.hotpath.daemon.config;

import io.hotpath.daemon.config.syntax.Checks;

import io.hotpath.daemon.expose.web.WebConfig;
import java.nio.file.Path;

/**
 * {@code web:} TLS and basic authentication of the listener, from a file in the format of
 * Prometheus exporters' {@code --web.config.file} ({@link WebConfig}),
 * read and checked (certificate and key included) by {@link ConfigLoader}.
 */
public final class WebListenerConfig
{
    private Path configFile;
    private WebConfig config = WebConfig.NONE;

    /** Only the path: {@link ConfigLoader} reads the file once every source has been applied. */
    public void setConfigFile(final String value)
    {
        configFile = Path.of(Checks.nonEmpty(value));
    }

    public Path configFile()
    {
        return configFile;
    }

    void useConfig(final WebConfig value)
    {
        config = value;
    }

    /** The listener's TLS and authentication; never silently none when a file is named but was not read. */
    public WebConfig config()
    {
        if (configFile != null && config == WebConfig.NONE)
        {
            throw new IllegalStateException("web.config-file " + configFile + " was not read: load the config with ConfigLoader");
        }
        return config;
    }
}
