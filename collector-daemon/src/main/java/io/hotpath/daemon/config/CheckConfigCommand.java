package io.hotpath.daemon.config;

import io.hotpath.daemon.config.syntax.ConfigException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hotpathd check-config}: loads the configuration exactly as the daemon would (file, then
 * {@code HOTPATHD_*} variables, then flags; the SLO and anomaly files it names too), prints every
 * effective setting with where it came from, and exits 0, or 2 with the daemon's own message.
 * Binds nothing and creates nothing.
 */
@Command(
    name = "check-config",
    mixinStandardHelpOptions = true,
    description = {
        "Validate hotpathd's configuration as the daemon would load it (file, HOTPATHD_* environment variables,",
        "flags; the SLO and anomaly files it names) and print every effective setting with its source." },
    footer = {
        "",
        "Precedence: flag > environment (HOTPATHD_SPOOL_DIR sets spool.dir) > file > default.",
        "Agent rules files are checked by the agent when the JVM starts (one [hotpath] line per problem): doc/agent.md.",
        "Exit codes: 0 valid, 2 invalid (the message names file, line and field, or the variable or flag)." })
public final class CheckConfigCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options;

    @Option(names = "--env-table", description = "Print the Markdown table of every key and its HOTPATHD_* variable, and exit.")
    boolean envTable;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (envTable)
        {
            out.print(ConfigKeys.markdownTable());
            out.flush();
            return 0;
        }
        final EffectiveConfig effective;
        try
        {
            effective = options.load(System.getenv());
        }
        catch (final ConfigException e)
        {
            err.println("hotpathd: configuration error: " + e.getMessage());
            err.flush();
            return 2;
        }
        out.println((options.configFile() == null ? "built-in defaults" : options.configFile().toString()) + ": valid");
        int width = "KEY".length();
        for (final EffectiveConfig.Setting setting : effective.settings())
        {
            width = Math.max(width, setting.key().length());
        }
        final String format = "%-" + width + "s  %-8s %s%n";
        out.printf(Locale.ROOT, format, "KEY", "SOURCE", "VALUE");
        for (final EffectiveConfig.Setting setting : effective.settings())
        {
            final String source = switch (setting.origin())
            {
                case DEFAULT -> "default";
                case FILE -> "file";
                case ENV -> "env";
                case FLAG -> "flag";
            };
            final String from = setting.origin() == EffectiveConfig.Origin.ENV || setting.origin() == EffectiveConfig.Origin.FLAG
                ? "   (" + setting.from() + ")" : "";
            out.printf(Locale.ROOT, format, setting.key(), source, (setting.value().isEmpty() ? "(none)" : setting.value()) + from);
        }
        final DaemonConfig config = effective.config();
        if (config.getSlo().slos() != null)
        {
            out.println("SLOs: " + config.getSlo().slos().slos().size() + " from " + config.getSlo().file());
        }
        for (final String ignored : effective.ignoredVariables())
        {
            out.println("note: " + ignored + " is not a hotpathd setting and is ignored (Kubernetes service links set such"
                + " variables; enableServiceLinks: false turns them off)");
        }
        if (!config.listenAddress().getHostString().startsWith("127.") && !"localhost".equals(config.listenAddress().getHostString())
            && !"::1".equals(config.listenAddress().getHostString()))
        {
            out.println("note: listen " + config.listen() + " is reachable beyond this host: "
                + "protect it with web.config-file (TLS, basic auth) or a firewall");
        }
        out.flush();
        return 0;
    }
}
