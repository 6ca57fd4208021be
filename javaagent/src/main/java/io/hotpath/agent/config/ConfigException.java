package io.hotpath.agent.config;

import io.hotpath.agent.AgentLog;
import io.hotpath.wire.config.YamlNode;

/**
 * A problem in the agent's configuration (a setting, the rules file): the message names the source
 * (file, line and column, or the setting and where it came from), the field and what was expected.
 * The agent's side of the shared {@link io.hotpath.wire.config.ConfigException}.
 */
public final class ConfigException extends io.hotpath.wire.config.ConfigException
{
    private static final long serialVersionUID = 1L;

    /** How the agent reads YAML: errors at the value's line and column, old key spellings warned about once. */
    static final YamlNode.Dialect<ConfigException> YAML = new YamlNode.Dialect<>(ConfigException::new,
        (where, field, written) -> AgentLog.warnOnce("snake-key:" + where, where + ": " + field + ": '" + written
            + "' is the old spelling of '" + YamlNode.kebab(written) + "'; snake_case keys are read until the next release"),
        true);

    public ConfigException(final String message)
    {
        super(message, null);
    }

    public ConfigException(final String message, final Throwable cause)
    {
        super(message, cause);
    }

    /** At a place in a file: {@code rules.yaml:12:7: rules[1].metric: expected ...}. */
    public ConfigException(final String source, final int line, final int column, final String field, final String problem)
    {
        super(source, line, column, field, problem, null);
    }
}
