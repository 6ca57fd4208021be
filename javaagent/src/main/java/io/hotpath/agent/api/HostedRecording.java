package io.hotpath.agent.api;

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

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link HostedAgent#start}, in a class of its own: it names bridge types, so it is loaded only once the
 * host has defined the bridge in the bootstrap loader. The span-context reader is {@link OtelApiTraceReader}
 * as it is, since the OTel agent remaps its extensions' {@code io.opentelemetry.api} references to its own
 * shaded API, the one every span of the JVM is current in.
 */
final class HostedRecording
{
    private HostedRecording()
    {
    }

    static List<HostedRule> start(final String host, final AgentConfig config, final Instrumentation inst)
    {
        try
        {
            JdkAccess.openTo(inst, HostedRecording.class.getModule());
            final List<RuleDefinition> rules = AgentMain.loadRules(config);
            final AgentMain.Running running = InProcessAgent.start(config, rules);
            if (config.bool(Setting.TRACE_CAPTURE))
            {
                running.recorder().traceContextReader(new OtelApiTraceReader());
                AgentLog.info("trace context: samples inside spans of the OpenTelemetry Java agent carry their trace and span id");
            }
            final SeriesRegistry series = running.recorder().seriesRegistry();
            final List<HostedRule> hosted = new ArrayList<>(rules.size());
            for (int i = 0; i < rules.size(); i++)
            {
                hosted.add(new HostedRule(rules.get(i), i, series.staticSeries(i)));
            }
            AgentLog.info("started as the hotpath " + host + " with " + rules.size() + " rules");
            return List.copyOf(hosted);
        }
        catch (final ConfigException e)
        {
            AgentLog.error("configuration error, the service runs uninstrumented: " + e.getMessage(), null);
        }
        catch (final Throwable t)
        {
            HotpathBridge.install(HotpathRecorder.NO_OP);
            HostedAgent.failed(host, t);
        }
        return List.of();
    }
}
