package io.hotpath.otel;

import io.hotpath.agent.api.BootstrapClasses;
import net.bytebuddy.dynamic.loading.ClassInjector;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Defines hotpath's bootstrap bridge ({@code io.hotpath.agent.bootstrap}: {@code HotpathBridge},
 * {@code HotpathRecorder}, {@code CompletionRecorder}, {@code TraceContextReader}) in the bootstrap
 * loader, from {@code hotpath-bootstrap/**.classdata} in this jar, with Byte Buddy's Unsafe injector
 * (as the OTel agent injects its own bootstrap helpers), in the agent's {@link BootstrapClasses} passes.
 * Advice inlined into classes of any loader then links against the one copy, as with the standalone
 * agent. Refers to bridge classes by name only.
 */
final class BootstrapBridge
{
    static final String BRIDGE = "io.hotpath.agent.bootstrap.HotpathBridge";
    private static final String PREFIX = "hotpath-bootstrap/";
    private static final String SUFFIX = ".classdata";

    private BootstrapBridge()
    {
    }

    /** The OTel agent's {@link Instrumentation}, from its bootstrap holder (by name: not part of the extension API). */
    static Instrumentation instrumentation() throws ReflectiveOperationException
    {
        final Class<?> holder = Class.forName("io.opentelemetry.javaagent.bootstrap.InstrumentationHolder", true, null);
        final Instrumentation inst = (Instrumentation)holder.getMethod("getInstrumentation").invoke(null);
        if (inst == null)
        {
            throw new IllegalStateException("the OpenTelemetry Java agent holds no Instrumentation");
        }
        return inst;
    }

    /** Defines the bridge classes not defined yet (in passes until supertypes precede subtypes). */
    static void define(final Instrumentation inst) throws Throwable
    {
        final Map<String, byte[]> classes = bridgeClasses();
        if (classes.isEmpty())
        {
            throw new IllegalStateException("no classes listed in " + PREFIX + "index");
        }
        final ClassInjector injector = ClassInjector.UsingUnsafe.Factory.resolve(inst).make(null, null);
        BootstrapClasses.define(classes, (name, classFile) -> injector.injectRaw(Map.of(name, classFile)));
        if (!BootstrapClasses.isDefined(BRIDGE))
        {
            throw new IllegalStateException(BRIDGE + " is not in the bootstrap loader after its definition");
        }
    }

    /** The classes listed in {@code hotpath-bootstrap/index} (written by the build), read through this class's loader. */
    private static Map<String, byte[]> bridgeClasses() throws IOException
    {
        final ClassLoader loader = BootstrapBridge.class.getClassLoader();
        final Map<String, byte[]> classes = new LinkedHashMap<>();
        for (final String entry : new String(read(loader, PREFIX + "index"), StandardCharsets.UTF_8).split("\\R"))
        {
            if (entry.endsWith(SUFFIX))
            {
                classes.put(entry.substring(0, entry.length() - SUFFIX.length()).replace('/', '.'), read(loader, PREFIX + entry));
            }
        }
        return classes;
    }

    private static byte[] read(final ClassLoader loader, final String resource) throws IOException
    {
        try (InputStream in = loader.getResourceAsStream(resource))
        {
            if (in == null)
            {
                throw new IOException(resource + " is missing from the hotpath OTel extension jar");
            }
            return in.readAllBytes();
        }
    }
}
