package io.hotpath.daemon.config;

import io.hotpath.daemon.config.syntax.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options that choose the configuration, shared as a picocli {@code @Mixin} by {@code hotpathd}
 * (the daemon) and {@code hotpathd check-config}, so that check-config accepts exactly what the daemon
 * does: {@code --config FILE}, and the flags that override keys ({@code --spool}, {@code --listen},
 * {@code --state-dir}; they win over {@code HOTPATHD_*} variables, which win over the file).
 */
public final class ConfigOptions
{
    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (keys and defaults: hotpathd-default.yaml; "
        + "default: none, built-in defaults).")
    Path configFile;

    @Option(names = "--spool", paramLabel = "DIR", description = "Spool directory the agents write to (spool.dir).")
    String spool;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "HTTP listen address (listen), default 127.0.0.1:9464.")
    String listen;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Checkpoint directory (state.dir).")
    String stateDir;

    /** The config file, or null for the built-in defaults. */
    public Path configFile()
    {
        return configFile;
    }

    /** The flags that set config keys, in the order they are applied. */
    public List<EffectiveConfig.Flag> flags()
    {
        final List<EffectiveConfig.Flag> flags = new ArrayList<>();
        if (spool != null)
        {
            flags.add(new EffectiveConfig.Flag("--spool", "spool.dir", spool));
        }
        if (stateDir != null)
        {
            flags.add(new EffectiveConfig.Flag("--state-dir", "state.dir", stateDir));
        }
        if (listen != null)
        {
            flags.add(new EffectiveConfig.Flag("--listen", "listen", listen));
        }
        return flags;
    }

    /** File, then {@code environment}'s {@code HOTPATHD_*} variables, then these flags. */
    public EffectiveConfig load(final Map<String, String> environment) throws ConfigException
    {
        return EffectiveConfig.load(configFile, environment, flags());
    }
}
