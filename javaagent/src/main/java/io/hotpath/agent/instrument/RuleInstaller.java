package io.hotpath.agent.instrument;

import io.hotpath.agent.AgentLog;
import io.hotpath.agent.bootstrap.HotpathBridge;
import io.hotpath.agent.config.RuleDefinition;
import io.hotpath.agent.record.SeriesRegistry;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * Turns rules into one Byte Buddy {@link AgentBuilder} installation: one type/transform pair per
 * rule, each with its own {@link TimingAdvice} bound to the rule's constants.
 *
 * <p>Matching is cheapest first: exact names, then name globs, and only then hierarchy walks
 * ({@code subtype_of}); a class loader is considered only if it sees the bootstrap bridge (the
 * advice would not link otherwise). JDK classes are retransformed when already loaded, and
 * their modules get a read edge to the bridge's module.
 */
public final class RuleInstaller
{
    private static final AtomicLong TRANSFORM_ERRORS = new AtomicLong();

    private RuleInstaller()
    {
    }

    public static long transformErrors()
    {
        return TRANSFORM_ERRORS.get();
    }

    /**
     * Loads and initialises the Byte Buddy classes an installation needs (a few hundred
     * milliseconds of class loading, linking and verification) on another thread, while the caller
     * parses the rules: premain is shorter by the overlap. Nothing is installed; failures are left
     * for the real installation to report.
     */
    public static Thread warmUpInBackground()
    {
        final Thread thread = new Thread(() ->
        {
            try
            {
                new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                    .disableClassFormatChanges()
                    .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                    .with(AgentBuilder.PoolStrategy.Default.FAST)
                    .type(named("io.hotpath.agent.NoSuchType"))
                    .transform((builder, type, loader, module, domain) -> builder);
                Advice.withCustomMapping().bind(AdviceBindings.RuleIndex.class, 0)
                    .to(TimingAdvice.class, ClassFileLocator.ForClassLoader.of(TimingAdvice.class.getClassLoader()));
            }
            catch (final Throwable ignore)
            {
                // the real installation reports what fails
            }
        }, "hotpath-warm-up");
        thread.setDaemon(true);
        thread.setContextClassLoader(RuleInstaller.class.getClassLoader());
        thread.start();
        return thread;
    }

    public static ResettableClassFileTransformer install(
        final Instrumentation inst, final List<RuleDefinition> rules, final SeriesRegistry series)
    {
        final long t0 = System.nanoTime();
        AgentBuilder.Identified.Extendable builder = null;
        final AgentBuilder agent = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
            .with(AgentBuilder.PoolStrategy.Default.FAST)
            .with(new Listener())
            .ignore(nameStartsWith("io.hotpath.agent.bootstrap.")
                .or(nameStartsWith("io.hotpath.agent.shaded."))
                .or(nameStartsWith("net.bytebuddy."))
                .or(nameStartsWith("java.lang.invoke."))
                .or(nameStartsWith("jdk.internal.reflect."))
                .or(nameStartsWith("sun.reflect."))
                .or(isSynthetic()))
            .or(ElementMatchers.any(), ElementMatchers.is(RuleInstaller.class.getClassLoader()))
            .assureReadEdgeTo(inst, HotpathBridge.class);
        final long t1 = System.nanoTime();
        for (int i = 0; i < rules.size(); i++)
        {
            final RuleDefinition rule = rules.get(i);
            final AgentBuilder.Transformer transformer = transformer(rule, i, series.staticSeries(i));
            builder = (builder == null ? agent : builder)
                .type(typeMatcher(rule), BridgeVisibleLoaders.INSTANCE)
                .transform(transformer);
        }
        final long t2 = System.nanoTime();
        final ResettableClassFileTransformer transformer = (builder == null ? agent : builder).installOn(inst);
        AgentLog.debug("instrumentation phases (ms): agent builder " + (t1 - t0) / 1_000_000 + ", advice " +
            (t2 - t1) / 1_000_000 + ", install " + (System.nanoTime() - t2) / 1_000_000);
        return transformer;
    }

    public static ElementMatcher.Junction<TypeDescription> typeMatcher(final RuleDefinition rule)
    {
        if (rule.typeName() != null)
        {
            return named(rule.typeName());
        }
        ElementMatcher.Junction<TypeDescription> matcher = not(isInterface());
        if (rule.typePattern() != null)
        {
            matcher = new NamePattern(rule.typePattern()).and(matcher);
        }
        if (rule.subtypeOf() != null)
        {
            matcher = matcher.and(hasSuperType(named(rule.subtypeOf())));
        }
        return matcher;
    }

    public static ElementMatcher.Junction<MethodDescription> methodMatcher(final RuleDefinition rule)
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

    /** The rule's {@link TimingAdvice}, bound to its constants, on its methods (also what the OTel extension applies). */
    public static AgentBuilder.Transformer transformer(final RuleDefinition rule, final int ruleIndex, final int staticSeries)
    {
        final Advice advice = Advice.withCustomMapping()
            .bind(AdviceBindings.RuleIndex.class, ruleIndex)
            .bind(AdviceBindings.StaticSeries.class, staticSeries)
            .bind(AdviceBindings.FailureMode.class, rule.failureOn())
            .bind(AdviceBindings.LabelArgument0.class, RuleMappings.argument(rule, labelArgument(rule, 0)))
            .bind(AdviceBindings.LabelArgument1.class, RuleMappings.argument(rule, labelArgument(rule, 1)))
            .bind(AdviceBindings.LabelArgument2.class, RuleMappings.argument(rule, labelArgument(rule, 2)))
            .bind(AdviceBindings.PayloadArgument.class, RuleMappings.payloadArgument(rule))
            .bind(AdviceBindings.ReturnedSize.class, RuleMappings.returnedSize(rule))
            .bind(AdviceBindings.ReturnedFailure.class, RuleMappings.returnedFailure(rule))
            .bind(AdviceBindings.ReturnedStage.class, RuleMappings.returnedStage(rule))
            .to(TimingAdvice.class, ClassFileLocator.ForClassLoader.of(TimingAdvice.class.getClassLoader()))
            .withExceptionHandler(MethodInvocation.invoke(RuleMappings.bridgeMethod("adviceError", Throwable.class)));
        final ElementMatcher.Junction<MethodDescription> methods = methodMatcher(rule);
        return (builder, type, classLoader, module, protectionDomain) -> builder.visit(advice.on(methods));
    }

    private static int labelArgument(final RuleDefinition rule, final int position)
    {
        return position < rule.labelArguments().size() ? rule.labelArguments().get(position).argument() : -1;
    }

    /** Glob over a type name: {@code *} within a package segment, {@code **} across, {@code ?} one character. */
    static final class NamePattern extends ElementMatcher.Junction.AbstractBase<TypeDescription>
    {
        private final Pattern pattern;

        NamePattern(final String glob)
        {
            final StringBuilder regex = new StringBuilder();
            for (int i = 0; i < glob.length(); i++)
            {
                final char c = glob.charAt(i);
                if (c == '*')
                {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*')
                    {
                        regex.append(".*");
                        i++;
                    }
                    else
                    {
                        regex.append("[^.]*");
                    }
                }
                else if (c == '?')
                {
                    regex.append("[^.]");
                }
                else
                {
                    regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            this.pattern = Pattern.compile(regex.toString());
        }

        @Override
        public boolean matches(final TypeDescription target)
        {
            return pattern.matcher(target.getName()).matches();
        }
    }

    /**
     * Class loaders whose classes can link against the bridge: the bootstrap loader and every
     * loader that resolves {@code io.hotpath.agent.bootstrap.HotpathBridge} to the same class.
     */
    public enum BridgeVisibleLoaders implements ElementMatcher<ClassLoader>
    {
        INSTANCE;

        private final Map<ClassLoader, Boolean> cache = new WeakHashMap<>();

        @Override
        public boolean matches(final ClassLoader loader)
        {
            if (loader == null)
            {
                return true;
            }
            synchronized (cache)
            {
                final Boolean known = cache.get(loader);
                if (known != null)
                {
                    return known;
                }
            }
            boolean visible;
            try
            {
                visible = Class.forName(HotpathBridge.class.getName(), false, loader) == HotpathBridge.class;
            }
            catch (final ClassNotFoundException | LinkageError | RuntimeException e)
            {
                visible = false;
            }
            if (!visible)
            {
                AgentLog.debug("class loader " + loader + " cannot see the hotpath bridge; its classes are not instrumented");
            }
            synchronized (cache)
            {
                cache.put(loader, visible);
            }
            return visible;
        }
    }

    private static final class Listener extends AgentBuilder.Listener.Adapter
    {
        @Override
        public void onTransformation(
            final TypeDescription type, final ClassLoader loader, final JavaModule module, final boolean loaded,
            final DynamicType dynamicType)
        {
            AgentLog.debug("instrumented " + type.getName() + (loaded ? " (retransformed)" : ""));
        }

        @Override
        public void onError(
            final String typeName, final ClassLoader loader, final JavaModule module, final boolean loaded, final Throwable throwable)
        {
            if (TRANSFORM_ERRORS.getAndIncrement() == 0)
            {
                AgentLog.warn("could not match or instrument " + typeName + " (left unchanged): " + throwable +
                    "; further such errors are logged at debug level");
            }
            else
            {
                AgentLog.debug("could not match or instrument " + typeName + " (left unchanged): " + throwable);
            }
        }
    }
}
