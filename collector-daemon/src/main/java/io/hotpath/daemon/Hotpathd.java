package io.hotpath.daemon;

import io.hotpath.daemon.config.syntax.ConfigException;
import io.hotpath.daemon.config.DaemonConfig;
import io.hotpath.daemon.config.EffectiveConfig;
import io.hotpath.daemon.detect.BacktestCommand;
import io.hotpath.daemon.systemd.SystemdSupervisor;
import io.hotpath.daemon.top.TopCommand;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import io.hotpath.daemon.act.IncidentsCommand;
import io.hotpath.daemon.config.CheckConfigCommand;
import io.hotpath.daemon.config.ConfigOptions;

/**
 * The {@code hotpathd} command. Without a subcommand it runs the daemon until SIGTERM/SIGINT.
 *
 * <p>Subcommands: {@code backtest} (replay a CSV through the anomaly detectors), {@code rules}
 * (Prometheus rules from an SLO file), {@code dashboards} (Grafana JSON). Adding one is one line:
 * put its picocli {@code @Command} class into {@code subcommands} below.
 */
@Command(
    name = "hotpathd",
    mixinStandardHelpOptions = true,
    version = "hotpathd 0.1.0",
    sortOptions = false,
    description = {
        "Per-host collector of hotpath agents: tails every spool queue, aggregates 1-second latency percentiles",
        "and 1m/5m/15m/1h windows per series, detects anomalies, computes SLO error budgets and serves them to",
        "Prometheus (GET /metrics). Without a subcommand, runs the daemon until SIGTERM." },
    footer = {
        "",
        "Endpoints: /metrics (Prometheus text, OpenMetrics on Accept), /health, /metrics/summary, /api/series,",
        "/api/anomalies, /api/slos, /api/incidents.",
        "Exit codes: 0 stopped cleanly, 2 bad configuration or arguments, 3 cannot start (e.g. port in use)." },
    subcommands = {
        CommandLine.HelpCommand.class,
        BacktestCommand.class,
        RulesCommand.class,
        DashboardsCommand.class,
        TopCommand.class,
        CheckConfigCommand.class,
        IncidentsCommand.class,
    })
public final class Hotpathd implements Callable<Integer>
{
    static
    {
        // Before any Chronicle class loads: no analytics, no banner.
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        System.setProperty("chronicle.disk.monitor.disable", "true");
        if (System.getProperty("java.util.logging.manager") == null)
        {
            System.setProperty("java.util.logging.manager", DaemonLogManager.class.getName());
        }
    }

    public static final int EXIT_CONFIG = 2;
    public static final int EXIT_START = 3;

    @CommandLine.Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "java.util.logging level: INFO (default), WARNING, FINE, ...")
    String logLevel = "INFO";

    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine()
    {
        return new CommandLine(new Hotpathd());
    }

    /** File, then environment, then flags (also what SIGHUP re-reads). */
    EffectiveConfig effectiveConfig() throws ConfigException
    {
        return configOptions.load(System.getenv());
    }

    /** Keys a reload applies; a change of any other key is reported as needing a restart. */
    private static final List<String> RELOADABLE = List.of("slo.", "anomaly.", "metrics.quantile");

    /**
     * SIGHUP: reads file, environment and flags again. A bad file keeps every running setting (logged with
     * the file, line and field); otherwise the SLOs, anomaly settings and /metrics quantiles are applied
     * without losing state, and keys that need a restart are named.
     */
    synchronized void reload(final Daemon daemon, final AtomicReference<EffectiveConfig> running)
    {
        final Logger log = Logger.getLogger(Hotpathd.class.getName());
        final EffectiveConfig next;
        try
        {
            next = effectiveConfig();
        }
        catch (final ConfigException e)
        {
            daemon.reloadFailed();
            log.severe("reload failed, keeping the running configuration: " + e.getMessage());
            return;
        }
        final EffectiveConfig previous = running.get();
        final List<String> restartNeeded = new ArrayList<>();
        for (int i = 0; i < next.settings().size() && i < previous.settings().size(); i++)
        {
            final EffectiveConfig.Setting now = next.settings().get(i);
            final EffectiveConfig.Setting before = previous.settings().get(i);
            if (now.key().equals(before.key()) && !now.value().equals(before.value())
                && RELOADABLE.stream().noneMatch(now.key()::startsWith))
            {
                restartNeeded.add(now.key());
            }
        }
        if ((previous.config().getSlo().slos() == null) != (next.config().getSlo().slos() == null))
        {
            restartNeeded.add(next.config().getSlo().slos() == null ? "slo.file (removed)" : "slo.file (added)");
        }
        if (previous.config().getAnomaly().enabled() != next.config().getAnomaly().enabled())
        {
            restartNeeded.add("anomaly.enabled");
        }
        final boolean anomalyChanged = !previous.fingerprint("anomaly.").equals(next.fingerprint("anomaly."));
        try
        {
            final List<String> applied = daemon.reload(next.config(), anomalyChanged).get(30, TimeUnit.SECONDS);
            running.set(next);
            log.info("configuration reloaded: " + String.join(", ", applied)
                + (restartNeeded.isEmpty() ? "" : "; changed but applied only by a restart (kept running values): " + restartNeeded));
        }
        catch (final ExecutionException | TimeoutException e)
        {
            log.severe("reload failed, keeping the running configuration: " + (e.getCause() != null ? e.getCause() : e));
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Integer call()
    {
        final Level level;
        try
        {
            level = Level.parse(logLevel.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException e)
        {
            System.err.println("hotpathd: --log-level: unknown level '" + logLevel + "'");
            return EXIT_CONFIG;
        }
        DaemonLogging.configure(level);
        final DaemonConfig config;
        final EffectiveConfig loaded;
        try
        {
            loaded = effectiveConfig();
            config = loaded.config();
        }
        catch (final ConfigException e)
        {
            System.err.println("hotpathd: configuration error: " + e.getMessage());
            return EXIT_CONFIG;
        }

        final SystemdSupervisor systemd;
        try
        {
            systemd = SystemdSupervisor.fromEnvironment(System.getenv());
        }
        catch (final RuntimeException e)
        {
            System.err.println("hotpathd: cannot start: " + e.getMessage());
            return EXIT_START;
        }
        final Daemon daemon = new Daemon(config);
        try
        {
            daemon.start();
            systemd.watch(DaemonSupervision.of(daemon));
        }
        catch (final ConfigException e)
        {
            System.err.println("hotpathd: configuration error: " + e.getMessage());
            daemon.stop();
            return EXIT_CONFIG;
        }
        catch (final IOException | RuntimeException e)
        {
            System.err.println("hotpathd: cannot start: " + e.getMessage());
            daemon.stop();
            return EXIT_START;
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return EXIT_START;
        }
        final AtomicReference<EffectiveConfig> running = new AtomicReference<>(loaded);
        ReloadSignal.install(() ->
        {
            try
            {
                reload(daemon, running);
            }
            catch (final RuntimeException | Error e)
            {
                // Never a silent reload: whatever went wrong is counted and logged, the running settings stay.
                daemon.reloadFailed();
                Logger.getLogger(Hotpathd.class.getName()).log(Level.SEVERE, "reload failed, keeping the running configuration", e);
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            systemd.stopping();
            daemon.stop();
            systemd.close();
            DaemonLogManager.resetAfterShutdown();
        }, "hotpathd-shutdown"));
        try
        {
            daemon.awaitStop();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
