package io.hotpath.otel;

import io.hotpath.agent.api.HostedAgent;
import io.opentelemetry.javaagent.extension.instrumentation.InstrumentationModule;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.List;

/**
 * hotpath's rules as one OpenTelemetry {@link InstrumentationModule} ({@code otel.instrumentation.hotpath.enabled}
 * switches it): one {@link RuleTypeInstrumentation} per rule of the same YAML the standalone agent
 * reads. Loaded by the OTel Java agent from {@code -Dotel.javaagent.extensions=hotpath-otel-extension.jar}.
 *
 * <p>Helper classes and muzzle: the inlined advice calls nothing but {@code io.hotpath.agent.bootstrap.HotpathBridge},
 * which {@link HotpathExtension} defines in the bootstrap loader before any instrumentation applies,
 * so there is no helper class to inject and no application library the advice links against; the
 * module has no muzzle references (it is built without the OTel Gradle plugins), which muzzle
 * treats as "matches everywhere". Which class loaders qualify is decided as in the standalone agent:
 * only those that resolve the bridge to the bootstrap's copy.
 */
public final class HotpathInstrumentationModule extends InstrumentationModule
{
    public HotpathInstrumentationModule()
    {
        super("hotpath");
    }

    @Override
    public ElementMatcher.Junction<ClassLoader> classLoaderMatcher()
    {
        // The bridge must be in the bootstrap loader before the matcher ever resolves it.
        HotpathExtension.start();
        return new ElementMatcher.Junction.AbstractBase<>()
        {
            @Override
            public boolean matches(final ClassLoader loader)
            {
                return HostedAgent.bridgeVisibleLoaders().matches(loader);
            }
        };
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations()
    {
        return HotpathExtension.start().typeInstrumentations();
    }

    @Override
    public boolean isHelperClass(final String className)
    {
        return false;
    }
}
