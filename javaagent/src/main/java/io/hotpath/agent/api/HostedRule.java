package io.hotpath.agent.api;

import io.hotpath.agent.config.RuleDefinition;
import io.hotpath.agent.instrument.RuleAdvices;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One rule of the agent's rules file, for a host that owns the Byte Buddy {@code AgentBuilder}: the
 * standalone agent's type matcher and its transformer (the rule's {@code TimingAdvice}, inlined, bound
 * to the rule's constants and series, with the handler that counts advice errors and never rethrows).
 */
public final class HostedRule
{
    private final RuleDefinition rule;
    private final int ruleIndex;
    private final int staticSeries;

    HostedRule(final RuleDefinition rule, final int ruleIndex, final int staticSeries)
    {
        this.rule = rule;
        this.ruleIndex = ruleIndex;
        this.staticSeries = staticSeries;
    }

    /** The exact type name the rule names, or {@code null} when it names a pattern. */
    public String typeName()
    {
        return rule.typeName();
    }

    /** The type name pattern ({@code *}, {@code ?}), or {@code null} when the rule names one type. */
    public String typePattern()
    {
        return rule.typePattern();
    }

    public ElementMatcher<TypeDescription> typeMatcher()
    {
        return RuleAdvices.typeMatcher(rule);
    }

    public AgentBuilder.Transformer transformer()
    {
        return RuleAdvices.transformer(rule, ruleIndex, staticSeries);
    }

    /** Where the rule stands and what it records, for logs. */
    @Override
    public String toString()
    {
        return "hotpath rule " + rule.source() + " (" + rule.metric() + ")";
    }
}
