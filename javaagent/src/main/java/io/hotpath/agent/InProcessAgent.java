package io.hotpath.agent;

import io.hotpath.agent.config.AgentConfig;
import io.hotpath.agent.config.ConfigException;
import io.hotpath.agent.config.RuleConfigParser;
import io.hotpath.agent.config.RuleDefinition;

import java.util.List;
import java.util.Map;

/**
 * The recorder without the agent, for benchmarks and tests in one JVM: installs the ring recorder
 * into the bridge and starts the drain thread to a spool directory, so that
 * {@code HotpathBridge.record(...)} runs exactly the code the advice runs. No instrumentation and
 * no module opening: the JVM needs the Chronicle opens ({@code hotpath.chronicle.opens} in the parent
 * pom) and {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} for Agrona.
 *
 * <pre>
 * try (AgentMain.Running agent = InProcessAgent.start(Map.of("spool.dir", dir), rulesYaml)) {
 *     int series = agent.recorder().seriesRegistry().staticSeries(0);
 *     HotpathBridge.record(series, start, System.nanoTime(), -1, 0);
 * }
 * </pre>
 */
public final class InProcessAgent
{
    private InProcessAgent()
    {
    }

    /**
     * @param settings  agent settings, keys with or without the {@code hotpath.} prefix.
     * @param rulesYaml rules as YAML (their series are created; nothing is instrumented).
     */
    public static AgentMain.Running start(final Map<String, String> settings, final String rulesYaml) throws ConfigException
    {
        return start(AgentConfig.of(settings), RuleConfigParser.parse("in-process rules", rulesYaml));
    }

    /**
     * The recorder for rules loaded elsewhere, with the agent's configuration (the hotpath OTel
     * extension's entry: the OTel Java agent instruments, this records and spools).
     */
    public static AgentMain.Running start(final AgentConfig config, final List<RuleDefinition> rules) throws ConfigException
    {
        AgentLog.setLevel(config.get(AgentConfig.Setting.LOG_LEVEL));
        return AgentMain.startRecording(config, rules);
    }
}
