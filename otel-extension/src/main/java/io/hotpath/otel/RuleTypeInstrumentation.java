package io.hotpath.otel;

import io.hotpath.agent.api.HostedRule;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One hotpath rule as an OpenTelemetry {@link TypeInstrumentation}: the standalone agent's type
 * matcher and its Byte Buddy transformer (the rule's {@code TimingAdvice}, inlined, bound to the
 * rule's constants, with hotpath's exception handler that counts and never rethrows).
 *
 * <p>Why {@link TypeTransformer#applyTransformer} and not {@code applyAdviceToMethod}: the advice is
 * the one the standalone agent inlines, bit for bit, whatever mode the OTel agent applies its own
 * advice in (inlined, or invokedynamic in its experimental indy mode, where per-method custom
 * bindings would be evaluated elsewhere); and an advice error is counted in
 * {@code hotpath_agent_advice_errors_total} as with the standalone agent.
 */
final class RuleTypeInstrumentation implements TypeInstrumentation
{
    private final HostedRule rule;

    RuleTypeInstrumentation(final HostedRule rule)
    {
        this.rule = rule;
    }

    @Override
    public ElementMatcher<TypeDescription> typeMatcher()
    {
        return rule.typeMatcher();
    }

    @Override
    public void transform(final TypeTransformer transformer)
    {
        transformer.applyTransformer(rule.transformer());
    }

    @Override
    public String toString()
    {
        return rule.toString();
    }
}
