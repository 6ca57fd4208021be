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
    /** The rule, its position in the rules file (the advice's rule constant) and the series it records into without labels. */
    private record Binding(RuleDefinition rule, int ruleIndex, int staticSeries)
    {
    }

    private final Binding binding;

    HostedRule(final RuleDefinition rule, final int ruleIndex, final int staticSeries)
    {
        binding = new Binding(rule, ruleIndex, staticSeries);
    }

    /** The exact type name the rule names, or {@code null} when it names a pattern. */
    public String typeName()
    {
        return binding.rule().typeName();
    }

    /** The type name pattern ({@code *}, {@code ?}), or {@code null} when the rule names one type. */
    public String typePattern()
    {
        return binding.rule().typePattern();
    }

    public ElementMatcher<TypeDescription> typeMatcher()
    {
        return RuleAdvices.typeMatcher(binding.rule());
    }

    public AgentBuilder.Transformer transformer()
    {
        return RuleAdvices.transformer(binding.rule(), binding.ruleIndex(), binding.staticSeries());
    }

    /** Where the rule stands and what it records, for logs. */
    @Override
    public String toString()
    {
        return "hotpath rule " + binding.rule().source() + " (" + binding.rule().metric() + ")";
    }
}
