package io.hotpath.otel;

import io.hotpath.agent.api.HostedAgent;
import io.hotpath.agent.api.HostedRule;
import io.opentelemetry.javaagent.extension.ignore.IgnoredTypesBuilder;
import io.opentelemetry.javaagent.extension.ignore.IgnoredTypesConfigurer;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;

/**
 * The OTel agent ignores whole packages by default (most of {@code sun.*}, {@code jdk.*}, several
 * libraries' internals); a hotpath rule is an explicit request to time a type, so its type name (or
 * the fixed prefix of its name pattern) is allowed again. Types the OTel agent ignores and no rule
 * names stay ignored. Runs before the OTel agent installs any instrumentation, so it is usually
 * what starts hotpath ({@link HotpathExtension#start}).
 */
public final class HotpathIgnoredTypes implements IgnoredTypesConfigurer
{
    @Override
    public void configure(final IgnoredTypesBuilder builder)
    {
        for (final HostedRule rule : HotpathExtension.start().rules())
        {
            final String allowed = allowedPrefix(rule);
            if (allowed != null)
            {
                try
                {
                    builder.allowClass(allowed);
                }
                catch (final RuntimeException e)
                {
                    HostedAgent.warn("could not exempt " + allowed + " from the OTel agent's ignored types: " + e);
                }
            }
        }
    }

    @Override
    public void configure(final IgnoredTypesBuilder builder, final ConfigProperties config)
    {
        // Starting hotpath here (to know its rules) is skipped when the OTel agent will not run the module anyway.
        if (config.getBoolean("otel.instrumentation.hotpath.enabled",
            config.getBoolean("otel.instrumentation.common.default-enabled", true)))
        {
            configure(builder);
        }
    }

    /** The exact type name, or the part of a name pattern before its first wildcard (if it reaches a package). */
    static String allowedPrefix(final HostedRule rule)
    {
        if (rule.typeName() != null)
        {
            return rule.typeName();
        }
        if (rule.typePattern() == null)
        {
            return null;
        }
        final String pattern = rule.typePattern();
        int end = pattern.length();
        for (int i = 0; i < pattern.length(); i++)
        {
            if (pattern.charAt(i) == '*' || pattern.charAt(i) == '?')
            {
                end = i;
                break;
            }
        }
        final String prefix = pattern.substring(0, end);
        return prefix.indexOf('.') > 0 ? prefix : null;
    }
}
