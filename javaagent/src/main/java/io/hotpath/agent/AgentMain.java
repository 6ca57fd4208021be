package io.hotpath.agent;

import io.hotpath.agent.bootstrap.AgentEntry;
import io.hotpath.agent.bootstrap.HotpathBridge;
import io.hotpath.agent.bootstrap.HotpathRecorder;
import io.hotpath.agent.config.AgentConfig;
import io.hotpath.agent.config.BuiltInPacks;
import io.hotpath.agent.config.AgentConfig.Setting;
import io.hotpath.agent.config.ConfigException;
import io.hotpath.agent.config.RuleConfigParser;
import io.hotpath.agent.config.RuleDefinition;
import io.hotpath.agent.instrument.RuleInstaller;
import io.hotpath.agent.record.ErrorTypeRegistry;
import io.hotpath.agent.record.RingRecorder;
import io.hotpath.agent.record.SeriesRegistry;
import io.hotpath.agent.record.StatusSeries;
import io.hotpath.agent.spool.SpoolDrainer;
import io.hotpath.agent.spool.SpoolSettings;
import io.hotpath.agent.trace.TraceContextDiscovery;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import io.hotpath.agent.bootstrap.CompletionTimes;

/**
 * The agent implementation's entry, called inside the isolated class loader by
 * {@code AgentInstaller}: configuration, rules, ring, drain thread, instrumentation, shutdown hook.
 *
 * <p>Failure policy: whatever fails is logged once on stderr with the {@code [hotpath]} prefix and
 * the service runs on uninstrumented. A bad setting or rules file stops the agent before it
 * instruments anything; a spool that cannot be opened (or a Chronicle failure later) uninstalls the
 * recorder and removes the instrumentation.
 */
public final class AgentMain
{
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 10_000;

    private AgentMain()
    {
    }

    /**
     * @param premainNanos {@code System.nanoTime()} when the JVM called premain/agentmain (the
     *                     bootstrap phase, reported at debug level, is the time until this call).
     */
    public static void start(
        final String agentArgs, final Instrumentation inst, final boolean attached, final File jar, final long premainNanos)
    {
        final long startNanos = System.nanoTime();
        try
        {
            final AgentConfig config = AgentConfig.load(agentArgs, System.getProperties(), System.getenv());
            if (!AgentLog.setLevel(config.get(Setting.LOG_LEVEL)))
            {
                AgentLog.warn(config.describeSource(Setting.LOG_LEVEL) + ": unknown log level '" + config.get(Setting.LOG_LEVEL) +
                    "'; expected " + Setting.LOG_LEVEL.expected());
            }
            for (final String warning : config.warnings())
            {
                AgentLog.warn(warning);
            }
            config.validate();
            if (!config.enabled())
            {
                AgentLog.info("disabled by " + config.sourceOf(Setting.ENABLED));
                return;
            }
            JdkAccess.openTo(inst, AgentMain.class.getModule());
            if (config.bool(Setting.STARTUP_ASYNC) && !attached)
            {
                final Thread installer = new Thread(new Runnable()
                {
                    @Override
                    public void run()
                    {
                        install(config, inst, attached, premainNanos, startNanos);
                    }
                }, "hotpath-install");
                installer.setDaemon(true);
                installer.setContextClassLoader(AgentMain.class.getClassLoader());
                installer.start();
                AgentLog.info("installing in the background (" + config.sourceOf(Setting.STARTUP_ASYNC) + ")");
                return;
            }
            install(config, inst, attached, premainNanos, startNanos);
        }
        catch (final ConfigException e)
        {
            AgentLog.error("configuration error, the service runs uninstrumented: " + e.getMessage(), null);
        }
        catch (final Throwable t)
        {
            HotpathBridge.install(HotpathRecorder.NO_OP);
            AgentLog.error("failed to start, the service runs uninstrumented", t);
        }
    }

    /** What {@code AgentInstaller} creates in the isolated loader and calls (an interface call, not reflection). */
    public static final class Entry implements AgentEntry
    {
        public Entry()
        {
        }

        @Override
        public void start(
            final String agentArgs, final Instrumentation inst, final boolean attached, final File jar, final long premainNanos)
        {
            AgentMain.start(agentArgs, inst, attached, jar, premainNanos);
        }
    }

    /** Rules, recorder, drain thread and instrumentation; every failure ends here, logged once. */
    private static void install(
        final AgentConfig config, final Instrumentation inst, final boolean attached, final long premainNanos, final long startNanos)
    {
        try
        {
            final long configuredNanos = System.nanoTime();
            final List<RuleDefinition> rules = loadRules(config);
            if (rules.isEmpty())
            {
                AgentLog.warn("no rules: set hotpath.config to a rules file or hotpath.packs to built-in packs; the agent stays idle");
                return;
            }
            final long rulesNanos = System.nanoTime();
            final Running running = startRecording(config, rules);
            if (config.bool(Setting.TRACE_CAPTURE))
            {
                TraceContextDiscovery.start(inst, running.recorder(), attached);
            }
            final long recordingNanos = System.nanoTime();
            CompletionTimes.enabled(config.bool(Setting.ASYNC_COMPLETION_HOOK));
            final RuleInstaller.Installation installation = RuleInstaller.install(inst, rules, running.recorder().seriesRegistry());
            running.onFailure(new Runnable()
            {
                @Override
                public void run()
                {
                    uninstrument(installation);
                }
            });
            installation.reportLater(config.integer(Setting.REPORT_DELAY_MS), "start");
            new RulesReload(config, rules, installation, running.recorder().seriesRegistry(), config.integer(Setting.REPORT_DELAY_MS)).start();
            AgentLog.debug("start-up phases (ms): bootstrap " + millis(startNanos - premainNanos) +
                ", config " + millis(configuredNanos - startNanos) + ", rules " +
                millis(rulesNanos - configuredNanos) + ", ring " + millis(recordingNanos - rulesNanos) + ", instrumentation " +
                millis(System.nanoTime() - recordingNanos));
            AgentLog.info("started (" + (attached ? "attached" : "premain") + ") with " + rules.size() + " rules in " +
                millis(System.nanoTime() - premainNanos) + " ms");
        }
        catch (final ConfigException e)
        {
            AgentLog.error("configuration error, the service runs uninstrumented: " + e.getMessage(), null);
        }
        catch (final Throwable t)
        {
            HotpathBridge.install(HotpathRecorder.NO_OP);
            AgentLog.error("failed to start, the service runs uninstrumented", t);
        }
    }

    private static String millis(final long nanos)
    {
        return String.valueOf(TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    /** Chronicle reads these once, when its classes initialise: set them before it loads (user values win). */
    static void prepareChronicle(final AgentConfig config) throws ConfigException
    {
        System.getProperties().putIfAbsent("chronicle.analytics.disable", "true");
        System.getProperties().putIfAbsent("chronicle.announcer.disable", "true");
        System.getProperties().putIfAbsent("chronicle.disk.monitor.disable", "true");
        // Chronicle registers its JVM shutdown hook lazily, from static initialisers; if the JVM began
        // to shut down while the drain thread is still opening the queue (a short-lived JVM), that
        // registration would fail and the samples be lost. Registering it now costs three small classes.
        net.openhft.chronicle.core.shutdown.PriorityHook.add(0, new Runnable()
        {
            @Override
            public void run()
            {
            }
        });
    }

    /**
     * Run on the drain thread just before Chronicle first loads (it makes the first sun.misc.Unsafe
     * memory access), not at premain: on JDK 25 the reflection it takes costs ~40 ms of a cold JVM
     * (method handle spinning, annotation proxies), which a JVM whose queue never opens (a short
     * job without samples) should not pay, and which the application's main thread should not wait for.
     */
    static Runnable quietUnsafeWarning(final AgentConfig config) throws ConfigException
    {
        final boolean quiet = config.bool(Setting.QUIET_UNSAFE);
        return new Runnable()
        {
            @Override
            public void run()
            {
                if (quiet && JdkAccess.quietUnsafeMemoryAccessWarning())
                {
                    AgentLog.debug("marked the JDK's one-time sun.misc.Unsafe memory-access warning as given");
                }
            }
        };
    }

    /** The packs named in {@code hotpath.packs}, then the rules file. */
    public static List<RuleDefinition> loadRules(final AgentConfig config) throws ConfigException
    {
        final List<RuleDefinition> rules = new ArrayList<>();
        for (final String pack : config.list(Setting.PACKS))
        {
            // Built in as Java (BuiltInPacks): no YAML parsing for packs.
            final List<RuleDefinition> packRules = BuiltInPacks.rules(pack);
            if (packRules == null)
            {
                throw new ConfigException(config.sourceOf(Setting.PACKS) + ": unknown rule pack '" + pack +
                    "'; expected one of " + String.join(", ", BuiltInPacks.NAMES));
            }
            rules.addAll(packRules);
        }
        if (config.rulesFile() != null)
        {
            rules.addAll(RuleConfigParser.parse(config.rulesFile()));
        }
        return rules;
    }

    /**
     * Ring, registries and drain thread; installs the recorder into the bridge. Chronicle itself is
     * loaded later, on the drain thread, when the queue opens.
     */
    public static Running startRecording(final AgentConfig config, final List<RuleDefinition> rules) throws ConfigException
    {
        config.validate();
        prepareChronicle(config);
        final SpoolSettings settings = new SpoolSettings(
            Paths.get(config.get(Setting.SPOOL_DIR)),
            config.serviceName(),
            config.rollCycle(),
            config.bytes(Setting.SPOOL_MAX_BYTES),
            (int)config.integer(Setting.BATCH_MAX_SAMPLES),
            TimeUnit.MILLISECONDS.toNanos(config.integer(Setting.STATS_INTERVAL_MS)),
            TimeUnit.MILLISECONDS.toNanos(config.integer(Setting.DRAIN_IDLE_MS)),
            TimeUnit.MILLISECONDS.toNanos(config.integer(Setting.SPOOL_OPEN_DELAY_MS)),
            TimeUnit.MILLISECONDS.toNanos(config.integer(Setting.DRAIN_MAX_HOLD_MS)));
        final RingRecorder recorder = new RingRecorder((int)config.bytes(Setting.RING_BYTES), new SeriesRegistry(rules), new ErrorTypeRegistry());
        final Running running = new Running(recorder);
        final SpoolDrainer drainer = new SpoolDrainer(recorder, settings, new Consumer<Throwable>()
        {
            @Override
            public void accept(final Throwable cause)
            {
                running.fail(cause);
            }
        });
        drainer.beforeOpen(quietUnsafeWarning(config));
        running.drainer = drainer;
        HotpathBridge.installStatusSeries(new StatusSeries(recorder.seriesRegistry()));
        HotpathBridge.install(recorder);
        drainer.start();
        final Thread hook = new Thread(new Runnable()
        {
            @Override
            public void run()
            {
                drainer.shutdown(SHUTDOWN_TIMEOUT_MILLIS);
            }
        }, "hotpath-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        running.hook = hook;
        return running;
    }

    private static void uninstrument(final RuleInstaller.Installation installation)
    {
        try
        {
            installation.uninstall();
        }
        catch (final Throwable t)
        {
            AgentLog.error("could not remove the instrumentation (the advice now records nothing)", t);
        }
    }

    /** A started recorder and drain thread. */
    public static final class Running implements AutoCloseable
    {
        private final RingRecorder recorder;
        private volatile SpoolDrainer drainer;
        private volatile Thread hook;
        private volatile Runnable failureAction;

        Running(final RingRecorder recorder)
        {
            this.recorder = recorder;
        }

        public RingRecorder recorder()
        {
            return recorder;
        }

        public SpoolDrainer drainer()
        {
            return drainer;
        }

        void onFailure(final Runnable action)
        {
            failureAction = action;
        }

        void fail(final Throwable cause)
        {
            HotpathBridge.install(HotpathRecorder.NO_OP);
            AgentLog.error("the spool failed; recording stopped and the service runs uninstrumented", cause);
            final Runnable action = failureAction;
            if (action != null)
            {
                final Thread thread = new Thread(action, "hotpath-uninstrument");
                thread.setDaemon(true);
                thread.start();
            }
        }

        /** Stops recording, drains the ring and closes the queue (as the shutdown hook does). */
        @Override
        public void close()
        {
            HotpathBridge.install(HotpathRecorder.NO_OP);
            drainer.shutdown(SHUTDOWN_TIMEOUT_MILLIS);
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException shuttingDown)
            {
                // the hook runs anyway
            }
        }
    }
}
