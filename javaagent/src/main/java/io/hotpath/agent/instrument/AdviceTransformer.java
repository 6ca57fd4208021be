package io.hotpath.agent.instrument;

import io.hotpath.agent.bootstrap.HotpathBridge;
import io.hotpath.agent.config.RuleDefinition;
import io.hotpath.agent.record.SeriesRegistry;
import io.hotpath.wire.MetricKind;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.dynamic.VisibilityBridgeStrategy;
import net.bytebuddy.dynamic.scaffold.InstrumentedType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.matcher.LatentMatcher;
import net.bytebuddy.pool.TypePool;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import io.hotpath.agent.bootstrap.CompletionTimes;

/**
 * The second, exact stage of instrumentation: Byte Buddy. Given a class file that
 * {@link TypeCandidates} let through, describes it with a {@link TypePool} (from the bytes, and
 * the class's loader for its supertypes), applies every rule whose type matcher matches, and
 * returns the class file with each rule's {@link TimingAdvice} inlined into its methods.
 *
 * <p>The class format never changes (no new members, no renamed methods), exactly as
 * {@code AgentBuilder.disableClassFormatChanges()} would do, so classes can be retransformed and
 * the transformation removed again. No {@code AgentBuilder}: the agent's own
 * {@link GatedTransformer} decides what to transform, which keeps several hundred of Byte Buddy's
 * classes unloaded.
 *
 * <p>Creating an instance loads Byte Buddy (a few hundred milliseconds of class loading); it
 * happens the first time a candidate class appears, or ahead of time in {@link #warmUp}.
 */
final class AdviceTransformer
{
    private final ByteBuddy byteBuddy = new ByteBuddy()
        .with(TypeValidation.DISABLED)
        .with(Implementation.Context.Disabled.Factory.INSTANCE)
        .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE)
        .with(InstrumentedType.Factory.Default.FROZEN)
        .with(VisibilityBridgeStrategy.Default.NEVER);
    private final RuleAdvice[] rules;
    private final MatchLog matchLog;
    /** Whether {@code CompletableFuture.postComplete} gets {@link CompletionHookAdvice} (some rule may be asynchronous). */
    private final boolean completionHook;

    AdviceTransformer(final List<RuleDefinition> rules, final SeriesRegistry series)
    {
        this(rules, series, null, null);
    }

    /**
     * @param registryIndexes each rule's index in {@code series} ({@code null}: its position), bound into its advice.
     */
    AdviceTransformer(final List<RuleDefinition> rules, final SeriesRegistry series, final MatchLog matchLog, final int[] registryIndexes)
    {
        this.matchLog = matchLog;
        boolean mayBeAsync = false;
        for (final RuleDefinition rule : rules)
        {
            mayBeAsync |= !Boolean.FALSE.equals(rule.async());
        }
        this.completionHook = mayBeAsync && CompletionTimes.enabled();
        this.rules = new RuleAdvice[rules.size()];
        for (int i = 0; i < this.rules.length; i++)
        {
            final int index = registryIndexes == null ? i : registryIndexes[i];
            this.rules[i] = new RuleAdvice(rules.get(i), index, series.staticSeries(index));
            this.rules[i].position = i;
        }
    }

    /**
     * @param loader       the defining loader, {@code null} for the bootstrap loader.
     * @param internalName e.g. {@code com/example/Foo}.
     * @return the instrumented class file, or {@code null} if no rule matches it.
     */
    byte[] transform(final ClassLoader loader, final String internalName, final byte[] classFile)
    {
        final String name = internalName.replace('/', '.');
        final ClassFileLocator locator = new ClassFileLocator.Compound(
            ClassFileLocator.Simple.of(name, classFile), ClassFileLocator.ForClassLoader.of(loader));
        final TypePool pool = new TypePool.Default.WithLazyResolution(
            TypePool.CacheProvider.Simple.withObjectType(), locator, TypePool.Default.ReaderMode.FAST);
        final TypeDescription type = pool.describe(name).resolve();
        DynamicType.Builder<?> builder = null;
        for (final RuleAdvice rule : rules)
        {
            if (rule.types.matches(type))
            {
                if (builder == null)
                {
                    builder = byteBuddy.redefine(type, locator).ignoreAlso(LatentMatcher.ForSelfDeclaredMethod.NOT_DECLARED);
                }
                builder = builder.visit(rule.advice.on(rule.methods));
                if (matchLog != null)
                {
                    logMatches(rule, type);
                }
            }
        }
        if (completionHook && internalName.equals(TypeCandidates.COMPLETABLE_FUTURE))
        {
            builder = (builder == null ? byteBuddy.redefine(type, locator).ignoreAlso(LatentMatcher.ForSelfDeclaredMethod.NOT_DECLARED) : builder)
                .visit(Advice.to(CompletionHookAdvice.class, ClassFileLocator.ForClassLoader.of(CompletionHookAdvice.class.getClassLoader()))
                    .on(named("postComplete").and(ElementMatchers.takesArguments(0))));
        }
        return builder == null ? null : builder.make(TypeResolutionStrategy.Disabled.INSTANCE, pool).getBytes();
    }

    private void logMatches(final RuleAdvice rule, final TypeDescription type)
    {
        for (final MethodDescription.InDefinedShape method : type.getDeclaredMethods().filter(rule.methods))
        {
            matchLog.matched(rule.position, signature(type.getName(), method));
            matchLog.matchedClass(rule.position, type.getInternalName());
        }
    }

    /** {@code com.example.Foo.send(byte[], com.example.Kind)} */
    static String signature(final String typeName, final MethodDescription method)
    {
        final StringBuilder text = new StringBuilder(typeName).append('.').append(method.getName()).append('(');
        for (int i = 0; i < method.getParameters().size(); i++)
        {
            text.append(i == 0 ? "" : ", ").append(method.getParameters().get(i).getType().asErasure().getActualName());
        }
        return text.append(')').toString();
    }

    /**
     * Loads and initialises what a transformation needs by instrumenting {@link WarmUpTarget} with a
     * rule that uses every kind of binding (the result is discarded), so that the first real
     * candidate class does not pay for it.
     */
    static void warmUp()
    {
        final String name = "io.hotpath.agent.instrument.WarmUpTarget";
        final RuleDefinition rule = new RuleDefinition("warm-up", name, null, null, "call", null,
            "warm_up", MetricKind.CUSTOM, Map.of(), List.of(new RuleDefinition.LabelArgument("label", 0, 1, null)), 0, false,
            HotpathBridge.FAILURE_ON_FALSE, null, 1);
        final ClassLoader loader = AdviceTransformer.class.getClassLoader();
        final String internalName = name.replace('.', '/');
        try (InputStream in = loader.getResourceAsStream(internalName + ".class"))
        {
            if (in != null)
            {
                new AdviceTransformer(List.of(rule), new SeriesRegistry(List.of(rule))).transform(loader, internalName, in.readAllBytes());
            }
        }
        catch (final IOException e)
        {
            // nothing warmed: the first transformation pays
        }
    }

    static ElementMatcher.Junction<TypeDescription> typeMatcher(final RuleDefinition rule)
    {
        if (rule.typeName() != null)
        {
            return named(rule.typeName());
        }
        ElementMatcher.Junction<TypeDescription> matcher = not(isInterface());
        if (rule.typePattern() != null)
        {
            final TypeNameGlob glob = new TypeNameGlob(rule.typePattern());
            matcher = new ElementMatcher.Junction.AbstractBase<TypeDescription>()
            {
                @Override
                public boolean matches(final TypeDescription target)
                {
                    return glob.matches(target.getName());
                }
            }.and(matcher);
        }
        if (rule.subtypeOf() != null)
        {
            matcher = matcher.and(hasSuperType(named(rule.subtypeOf())));
        }
        return matcher;
    }

    static ElementMatcher.Junction<MethodDescription> methodMatcher(final RuleDefinition rule)
    {
        ElementMatcher.Junction<MethodDescription> matcher = ElementMatchers.<MethodDescription>named(rule.methodName())
            .and(not(isAbstract())).and(not(isNative()));
        if (rule.parameterTypes() != null)
        {
            final List<String> types = rule.parameterTypes();
            matcher = matcher.and(ElementMatchers.takesArguments(types.size()));
            for (int i = 0; i < types.size(); i++)
            {
                final String expected = types.get(i);
                matcher = matcher.and(ElementMatchers.takesArgument(i, new ElementMatcher.Junction.AbstractBase<>()
                {
                    @Override
                    public boolean matches(final TypeDescription target)
                    {
                        return expected.equals(target.getActualName()) || expected.equals(target.getName());
                    }
                }));
            }
        }
        return matcher;
    }

    /** One rule, ready to apply: its exact type and method matchers and its advice with the rule's values bound. */
    static final class RuleAdvice
    {
        final ElementMatcher<TypeDescription> types;
        final ElementMatcher<MethodDescription> methods;
        final Advice advice;
        final int index;
        /** The rule's place in its rule list (the match log's index). */
        int position;

        RuleAdvice(final RuleDefinition rule, final int ruleIndex, final int staticSeries)
        {
            this.index = ruleIndex;
            this.position = ruleIndex;
            this.types = typeMatcher(rule);
            this.methods = methodMatcher(rule);
            this.advice = Advice.withCustomMapping()
                .bind(AdviceBindings.RuleIndex.class, ruleIndex)
                .bind(AdviceBindings.OutermostOnly.class, rule.typeName() == null)
                .bind(AdviceBindings.StaticSeries.class, staticSeries)
                .bind(AdviceBindings.FailureMode.class, rule.failureOn() | ((rule.httpStatus() + 1) << HotpathBridge.STATUS_SHIFT))
                .bind(AdviceBindings.LabelArgument0.class, RuleMappings.argument(rule, labelArgument(rule, 0)))
                .bind(AdviceBindings.LabelArgument1.class, RuleMappings.argument(rule, labelArgument(rule, 1)))
                .bind(AdviceBindings.LabelArgument2.class, RuleMappings.argument(rule, labelArgument(rule, 2)))
                .bind(AdviceBindings.PayloadArgument.class, RuleMappings.payloadArgument(rule))
                .bind(AdviceBindings.ReturnedSize.class, RuleMappings.returnedSize(rule))
                .bind(AdviceBindings.ReturnedFailure.class, RuleMappings.returnedFailure(rule))
                .bind(AdviceBindings.ReturnedStage.class, RuleMappings.returnedStage(rule))
                .bind(AdviceBindings.ReturnedResponse.class, RuleMappings.returnedResponse(rule))
                .to(TimingAdvice.class, ClassFileLocator.ForClassLoader.of(TimingAdvice.class.getClassLoader()))
                .withExceptionHandler(MethodInvocation.invoke(RuleMappings.bridgeMethod("adviceError", Throwable.class)));
        }

        private static int labelArgument(final RuleDefinition rule, final int position)
        {
            return position < rule.labelArguments().size() ? rule.labelArguments().get(position).argument() : -1;
        }
    }
}
