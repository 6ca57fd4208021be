package io.hotpath.agent.instrument;

import io.hotpath.agent.config.RuleDefinition;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The rules as Byte Buddy {@code AgentBuilder} parts, for hosts that own the {@code AgentBuilder}
 * (the OpenTelemetry Java agent running the hotpath extension). Same matchers and the same
 * {@link TimingAdvice} bindings as the standalone agent's {@link AdviceTransformer}, so a rule
 * records the same way under either agent.
 *
 * <p>Kept apart from {@link RuleInstaller} on purpose: the standalone agent never touches
 * {@code AgentBuilder}, and loading it is a large part of an agent's start-up.
 */
public final class RuleAdvices
{
    private RuleAdvices()
    {
    }

    /** The exact type matcher of {@code rule}. */
    public static ElementMatcher.Junction<TypeDescription> typeMatcher(final RuleDefinition rule)
    {
        return AdviceTransformer.typeMatcher(rule);
    }

    /** The rule's {@link TimingAdvice}, bound to its constants, on its methods. */
    public static AgentBuilder.Transformer transformer(final RuleDefinition rule, final int ruleIndex, final int staticSeries)
    {
        final AdviceTransformer.RuleAdvice ruleAdvice = new AdviceTransformer.RuleAdvice(rule, ruleIndex, staticSeries);
        return (builder, type, classLoader, module, protectionDomain) -> builder.visit(ruleAdvice.advice.on(ruleAdvice.methods));
    }

    /** Class loaders whose classes can link against the bridge ({@link BridgeVisibility}). */
    public enum BridgeVisibleLoaders implements ElementMatcher<ClassLoader>
    {
        INSTANCE;

        @Override
        public boolean matches(final ClassLoader loader)
        {
            return BridgeVisibility.from(loader);
        }
    }
}
