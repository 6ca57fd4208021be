package io.hotpath.otel;

import io.hotpath.agent.AgentLog;
import io.hotpath.agent.config.AgentConfig;
import io.hotpath.agent.config.AgentConfig.Setting;
import io.hotpath.agent.config.ConfigException;
import io.hotpath.agent.config.RuleDefinition;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;

import java.lang.instrument.Instrumentation;
import java.util.List;
import io.hotpath.agent.bootstrap.HotpathAgent;

/**
 * hotpath inside the OpenTelemetry Java agent, started once, on first use by the OTel agent (its
 * {@link HotpathInstrumentationModule} or {@link HotpathIgnoredTypes}):
 *
 * <ol>
 *   <li>reads the same settings as the standalone agent ({@code -Dhotpath.*}, {@code HOTPATH_*});</li>
 *   <li>refuses to start when the standalone hotpath agent already runs in this JVM (the same
 *       property guards both ways: whichever comes second stands down, so no call is counted twice);</li>
 *   <li>{@link BootstrapBridge} defines hotpath's bootstrap bridge ({@code io.hotpath.agent.bootstrap},
 *       stored in this jar under {@code hotpath-bootstrap/} so that no class loader finds a second copy)
 *       in the bootstrap loader, where inlined advice in any class loader resolves it;</li>
 *   <li>{@link ExtensionRecording} then starts what the standalone agent starts: same settings, same
 *       rules, same recorder, ring, drain thread and spool.</li>
 * </ol>
 *
 * This class and {@link BootstrapBridge} name no bridge type: the JVM would try to resolve it through
 * this extension's class loader while verifying them, before the bridge is in the bootstrap loader.
 * Nothing thrown here reaches the OTel agent: a failure is one {@code [hotpath]} line on stderr, no
 * instrumentation, and the service (and the OTel agent) run on.
 */
final class HotpathExtension
{
    static final HotpathExtension NOT_RECORDING = new HotpathExtension(List.of(), List.of());
    private static HotpathExtension started;

    private final List<RuleDefinition> rules;
    private final List<TypeInstrumentation> typeInstrumentations;

    HotpathExtension(final List<RuleDefinition> rules, final List<TypeInstrumentation> typeInstrumentations)
    {
        this.rules = rules;
        this.typeInstrumentations = typeInstrumentations;
    }

    /** Starts hotpath in this JVM on the first call; later calls return the same state. Never throws. */
    static synchronized HotpathExtension start()
    {
        if (started == null)
        {
            started = NOT_RECORDING;
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
                    return started;
                }
                // HotpathAgent.INSTALLED_PROPERTY: a constant, inlined by javac, so HotpathAgent is never loaded.
                final String installedProperty = HotpathAgent.INSTALLED_PROPERTY;
                if (System.getProperties().putIfAbsent(installedProperty, "otel-extension") != null)
                {
                    AgentLog.warn("the hotpath agent already runs in this JVM (" + System.getProperty(installedProperty) +
                        "); the hotpath OTel extension stands down so that no call is recorded twice");
                    return started;
                }
                final Instrumentation inst = BootstrapBridge.instrumentation();
                BootstrapBridge.define(inst);
                started = ExtensionRecording.start(config, inst);
            }
            catch (final ConfigException e)
            {
                AgentLog.error("configuration error, the service runs uninstrumented: " + e.getMessage(), null);
            }
            catch (final Throwable t)
            {
                AgentLog.error("the hotpath OTel extension failed to start; the service runs uninstrumented", t);
            }
        }
        return started;
    }

    /** The rules being recorded; empty when hotpath does not record (disabled, refused, failed). */
    List<RuleDefinition> rules()
    {
        return rules;
    }

    List<TypeInstrumentation> typeInstrumentations()
    {
        return typeInstrumentations;
    }
}
