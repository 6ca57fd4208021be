package io.hotpath.agent.api;

import io.hotpath.agent.AgentLog;
import io.hotpath.agent.bootstrap.HotpathAgent;
import io.hotpath.agent.config.AgentConfig;
import io.hotpath.agent.config.AgentConfig.Setting;
import io.hotpath.agent.config.ConfigException;
import io.hotpath.agent.instrument.RuleAdvices;
import net.bytebuddy.matcher.ElementMatcher;

import java.lang.instrument.Instrumentation;
import java.util.List;

/**
 * hotpath's recording inside another Java agent that owns the instrumentation (the OpenTelemetry Java
 * agent running hotpath's extension). In two steps, because the bootstrap bridge must be in the
 * bootstrap loader before anything that names it is loaded:
 *
 * <ol>
 *   <li>{@link #configure}: the standalone agent's settings ({@code -Dhotpath.*}, {@code HOTPATH_*}) and
 *       its once-per-JVM guard (the same property both ways: whichever comes second stands down, so no
 *       call is counted twice);</li>
 *   <li>the host defines the bridge with {@link BootstrapClasses}, then {@link #start}: the same rules,
 *       recorder, ring, drain thread and spool as the standalone agent, and one {@link HostedRule} a rule.</li>
 * </ol>
 *
 * This class names no bridge type (the JVM would resolve it through the host's class loader while
 * verifying it, before the bridge is defined). Nothing here throws: a failure is one {@code [hotpath]}
 * line on stderr, and the result says that nothing is recorded.
 */
public final class HostedAgent
{
    private final String host;
    private final AgentConfig config;

    private HostedAgent(final String host, final AgentConfig config)
    {
        this.host = host;
        this.config = config;
    }

    /**
     * Reads the settings and takes the JVM's hotpath guard for {@code host} (a name for logs).
     *
     * @return {@code null} when hotpath is not to record here (disabled, already installed, bad settings: logged)
     */
    public static HostedAgent configure(final String host)
    {
        try
        {
            final AgentConfig config = AgentConfig.load(null, System.getProperties(), System.getenv());
            if (!AgentLog.setLevel(config.get(Setting.LOG_LEVEL)))
            {
                AgentLog.warn(config.sourceOf(Setting.LOG_LEVEL) + ": unknown log level '" + config.get(Setting.LOG_LEVEL) +
                    "'; expected off, error, warn, info or debug");
            }
            config.warnings().forEach(AgentLog::warn);
            if (!config.enabled())
            {
                AgentLog.info("disabled by " + config.sourceOf(Setting.ENABLED));
                return null;
            }
            // HotpathAgent.INSTALLED_PROPERTY: a constant, inlined by javac, so HotpathAgent is never loaded.
            final String installedProperty = HotpathAgent.INSTALLED_PROPERTY;
            if (System.getProperties().putIfAbsent(installedProperty, host) != null)
            {
                AgentLog.warn("the hotpath agent already runs in this JVM (" + System.getProperty(installedProperty) +
                    "); the hotpath " + host + " stands down so that no call is recorded twice");
                return null;
            }
            return new HostedAgent(host, config);
        }
        catch (final ConfigException e)
        {
            AgentLog.error("configuration error, the service runs uninstrumented: " + e.getMessage(), null);
        }
        catch (final Throwable e)
        {
            failed(host, e);
        }
        return null;
    }

    /**
     * Starts recording, once the bridge is in the bootstrap loader; the host applies the returned rules.
     *
     * @param inst the host's instrumentation (Chronicle's opens go to the caller's module only)
     * @return the rules being recorded; empty when recording failed to start (logged)
     */
    public List<HostedRule> start(final Instrumentation inst)
    {
        return HostedRecording.start(host, config, inst);
    }

    /** Class loaders whose classes can link against the bootstrap bridge: the only ones a rule may apply in. */
    public static ElementMatcher<ClassLoader> bridgeVisibleLoaders()
    {
        return RuleAdvices.BridgeVisibleLoaders.INSTANCE;
    }

    /** One {@code [hotpath] WARN} line on stderr (when the log level allows). */
    public static void warn(final String message)
    {
        AgentLog.warn(message);
    }

    /** One {@code [hotpath] ERROR} line: the host failed to start hotpath, which records nothing. */
    public static void failed(final String host, final Throwable cause)
    {
        AgentLog.error("the hotpath " + host + " failed to start; the service runs uninstrumented", cause);
    }
}
