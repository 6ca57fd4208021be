package io.hotpath.otel;

import io.hotpath.agent.AgentLog;
import io.hotpath.agent.AgentMain;
import io.hotpath.agent.InProcessAgent;
import io.hotpath.agent.JdkAccess;
import io.hotpath.agent.bootstrap.HotpathBridge;
import io.hotpath.agent.bootstrap.HotpathRecorder;
import io.hotpath.agent.config.AgentConfig;
import io.hotpath.agent.config.AgentConfig.Setting;
import io.hotpath.agent.config.ConfigException;
import io.hotpath.agent.config.RuleDefinition;
import io.hotpath.agent.record.SeriesRegistry;
import io.hotpath.agent.trace.OtelApiTraceReader;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The standalone agent's recording, started inside the OTel agent once the bridge is in the
 * bootstrap loader (loaded only then: it names bridge types). Chronicle's opens go to this
 * extension's class loader's module only; the span-context reader is {@link OtelApiTraceReader} as it
 * is, since the OTel agent remaps its extensions' {@code io.opentelemetry.api} references to its own
 * shaded API, the one every span of the JVM is current in.
 */
final class ExtensionRecording
{
    private ExtensionRecording()
    {
    }

    static HotpathExtension start(final AgentConfig config, final Instrumentation inst)
    {
        try
        {
            JdkAccess.openTo(inst, ExtensionRecording.class.getModule());
            final List<RuleDefinition> rules = AgentMain.loadRules(config);
            final AgentMain.Running running = InProcessAgent.start(config, rules);
            if (config.bool(Setting.TRACE_CAPTURE))
            {
                running.recorder().traceContextReader(new OtelApiTraceReader());
                AgentLog.info("trace context: samples inside spans of the OpenTelemetry Java agent carry their trace and span id");
            }
            final SeriesRegistry series = running.recorder().seriesRegistry();
            final List<TypeInstrumentation> instrumentations = new ArrayList<>();
            for (int i = 0; i < rules.size(); i++)
            {
                instrumentations.add(new RuleTypeInstrumentation(rules.get(i), i, series.staticSeries(i)));
            }
            AgentLog.info("started as an OpenTelemetry Java agent extension with " + rules.size() + " rules");
            return new HotpathExtension(List.copyOf(rules), Collections.unmodifiableList(instrumentations));
        }
        catch (final ConfigException e)
        {
            AgentLog.error("configuration error, the service runs uninstrumented: " + e.getMessage(), null);
        }
        catch (final Throwable t)
        {
            HotpathBridge.install(HotpathRecorder.NO_OP);
            AgentLog.error("the hotpath OTel extension failed to start; the service runs uninstrumented", t);
        }
        return HotpathExtension.NOT_RECORDING;
    }
}
