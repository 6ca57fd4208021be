package io.hotpath.otel;

import io.hotpath.agent.api.HostedAgent;
import io.hotpath.agent.api.HostedRule;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * hotpath inside the OpenTelemetry Java agent, started once, on first use by the OTel agent (its
 * {@link HotpathInstrumentationModule} or {@link HotpathIgnoredTypes}), through the agent's published
 * API ({@code io.hotpath.agent.api}, the only agent package this extension uses):
 *
 * <ol>
 *   <li>{@link HostedAgent#configure} reads the same settings as the standalone agent and refuses to
 *       start when the standalone hotpath agent already runs in this JVM;</li>
 *   <li>{@link BootstrapBridge} defines hotpath's bootstrap bridge ({@code io.hotpath.agent.bootstrap},
 *       stored in this jar under {@code hotpath-bootstrap/} so that no class loader finds a second copy)
 *       in the bootstrap loader, where inlined advice in any class loader resolves it;</li>
 *   <li>{@link HostedAgent#start} then starts what the standalone agent starts: same settings, same
 *       rules, same recorder, ring, drain thread and spool.</li>
 * </ol>
 *
 * Nothing thrown here reaches the OTel agent: a failure is one {@code [hotpath]} line on stderr, no
 * instrumentation, and the service (and the OTel agent) run on.
 */
final class HotpathExtension
{
    static final String HOST = "OTel extension";
    static final HotpathExtension NOT_RECORDING = new HotpathExtension(List.of(), List.of());
    private static HotpathExtension started;

    private final List<HostedRule> rules;
    private final List<TypeInstrumentation> typeInstrumentations;

    HotpathExtension(final List<HostedRule> rules, final List<TypeInstrumentation> typeInstrumentations)
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
            final HostedAgent agent = HostedAgent.configure(HOST);
            if (agent == null)
            {
                return started;
            }
            final Instrumentation inst;
            try
            {
                inst = BootstrapBridge.instrumentation();
                BootstrapBridge.define(inst);
            }
            catch (final Throwable t)
            {
                HostedAgent.failed(HOST, t);
                return started;
            }
            final List<HostedRule> rules = agent.start(inst);
            final List<TypeInstrumentation> instrumentations = new ArrayList<>(rules.size());
            for (final HostedRule rule : rules)
            {
                instrumentations.add(new RuleTypeInstrumentation(rule));
            }
            started = new HotpathExtension(rules, Collections.unmodifiableList(instrumentations));
        }
        return started;
    }

    /** The rules being recorded; empty when hotpath does not record (disabled, refused, failed). */
    List<HostedRule> rules()
    {
        return rules;
    }

    List<TypeInstrumentation> typeInstrumentations()
    {
        return typeInstrumentations;
    }
}
