package io.hotpath.agent.bootstrap;

import io.hotpath.agent.api.BootstrapClasses;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The {@code Premain-Class} and {@code Agent-Class} of {@code hotpath-agent.jar}.
 *
 * <p>This class is loaded by the application class loader; it only makes the agent jar's bootstrap
 * part ({@code io.hotpath.agent.bootstrap}) visible to the bootstrap class loader and hands over to
 * {@link AgentInstaller}, loaded there. Everything else in the jar lives under {@code inst/} with a
 * {@code .classdata} suffix, so no application class loader can see it.
 *
 * <p>Guarantee: nothing thrown here reaches the JVM. A second install into the same JVM (a second
 * {@code -javaagent}, or an attach to a JVM that already runs the agent) is refused with one line
 * on stderr.
 */
public final class HotpathAgent
{
    /** Set once per JVM by the first install; the guard against double install or attach. */
    public static final String INSTALLED_PROPERTY = "hotpath.agent.installed";
    /** Jar entry listing the class files of {@code io.hotpath.agent.bootstrap}, one per line (written by the build). */
    static final String BOOTSTRAP_INDEX = "META-INF/hotpath/bootstrap-classes.txt";
    /** The attach argument of {@code hotpath reload <pid>}: the running agent re-reads its rules. */
    public static final String RELOAD_ARGUMENT = "reload";

    private HotpathAgent()
    {
    }

    public static void premain(final String agentArgs, final Instrumentation inst)
    {
        start(agentArgs, inst, false);
    }

    public static void agentmain(final String agentArgs, final Instrumentation inst)
    {
        start(agentArgs, inst, true);
    }

    private static void start(final String agentArgs, final Instrumentation inst, final boolean attached)
    {
        final long premainNanos = System.nanoTime();
        try
        {
            final String mode = attached ? "attach" : "premain";
            if (attached && RELOAD_ARGUMENT.equals(agentArgs) && System.getProperty(INSTALLED_PROPERTY) != null)
            {
                if (!AgentInstaller.requestReload())
                {
                    System.err.println("[hotpath] WARN reload requested, but the agent in this JVM does not record (see its first messages)");
                }
                return;
            }
            if (System.getProperties().putIfAbsent(INSTALLED_PROPERTY, mode) != null)
            {
                System.err.println("[hotpath] WARN the agent is already installed in this JVM (" +
                    System.getProperty(INSTALLED_PROPERTY) + "); ignoring the second " + mode);
                return;
            }
            final File jar = new File(HotpathAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            makeBootstrapVisible(inst, jar);
            // A direct call, not Method.invoke (on JDK 22+ each reflective call shape spins
            // method-handle classes). It resolves to the bootstrap loader's AgentInstaller: the
            // application loader delegates to its parents first, and the class is defined there now.
            AgentInstaller.install(agentArgs, inst, attached, jar, premainNanos);
        }
        catch (final Throwable t)
        {
            System.err.println("[hotpath] ERROR the agent failed to start; the service runs uninstrumented: " + t);
        }
    }

    /**
     * Defines the classes of {@code io.hotpath.agent.bootstrap} (but this one) in the bootstrap
     * class loader. Preferred: directly, through {@code jdk.internal.misc.Unsafe.defineClass}
     * (exported to this class's module only): appending a jar to the bootstrap search path would
     * make the JVM print "Sharing is only supported for boot loader classes because bootstrap
     * classpath has been appended" and turn class data sharing off for the application's classes,
     * slowing its start. Fallback: append the agent jar (only its root, the bootstrap part, is
     * loadable from there).
     */
    private static void makeBootstrapVisible(final Instrumentation inst, final File jarFile) throws Exception
    {
        try (JarFile jar = new JarFile(jarFile, false))
        {
            final Map<String, byte[]> classes = new LinkedHashMap<>();
            final String self = HotpathAgent.class.getName().replace('.', '/');
            for (final String name : bootstrapClassEntries(jar))
            {
                if (name.startsWith("io/hotpath/agent/bootstrap/") && name.endsWith(".class")
                    && !name.equals(self + ".class") && !name.startsWith(self + "$"))
                {
                    final JarEntry entry = jar.getJarEntry(name);
                    if (entry != null)
                    {
                        try (InputStream in = jar.getInputStream(entry))
                        {
                            classes.put(name.substring(0, name.length() - 6).replace('/', '.'), in.readAllBytes());
                        }
                    }
                }
            }
            try
            {
                defineInBootstrapLoader(inst, classes);
                return;
            }
            catch (final Throwable t)
            {
                // fall back below
            }
        }
        inst.appendToBootstrapClassLoaderSearch(new JarFile(jarFile));
    }

    /**
     * The bootstrap part's class file entries, from the index the build writes
     * ({@value #BOOTSTRAP_INDEX}); without it, found by scanning every entry of the jar (thousands:
     * milliseconds of start-up).
     */
    private static List<String> bootstrapClassEntries(final JarFile jar) throws IOException
    {
        final List<String> names = new ArrayList<>();
        final JarEntry index = jar.getJarEntry(BOOTSTRAP_INDEX);
        if (index != null)
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(jar.getInputStream(index), StandardCharsets.UTF_8)))
            {
                for (String line = in.readLine(); line != null; line = in.readLine())
                {
                    if (!line.isBlank())
                    {
                        names.add(line.trim());
                    }
                }
            }
            return names;
        }
        for (final Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); )
        {
            names.add(entries.nextElement().getName());
        }
        return names;
    }

    private static void defineInBootstrapLoader(final Instrumentation inst, final Map<String, byte[]> classes) throws Throwable
    {
        final Module javaBase = Object.class.getModule();
        inst.redefineModule(javaBase, Set.of(), Map.of("jdk.internal.misc", Set.of(HotpathAgent.class.getModule())),
            Map.of(), Set.of(), Map.of());
        final Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
        // Supertypes must exist first: BootstrapClasses defines in passes. A named class, not a lambda (no
        // method-handle classes spun while the agent starts).
        BootstrapClasses.define(classes, new UnsafeDefiner(unsafeClass));
    }

    /** {@code Unsafe.defineClass} into the bootstrap loader, by method handle (JDK 22+) or core reflection. */
    private static final class UnsafeDefiner implements BootstrapClasses.Definer
    {
        private final MethodHandle define;
        private final Method reflectiveDefine;
        private final Object unsafe;

        /**
         * JDK 22+: method handles called with invokeExact, not Method.invoke: core reflection there
         * spins about twenty method-handle classes for these two calls (~50 ms of a cold JVM); exact
         * invocations of a bound handle need six. Before 22, Method.invoke is a native call that
         * spins nothing, while the handles would spin as many (~8 ms on JDK 17).
         */
        UnsafeDefiner(final Class<?> unsafeClass) throws Throwable
        {
            if (Runtime.version().feature() >= 22)
            {
                final MethodHandles.Lookup lookup = MethodHandles.lookup();
                unsafe = (Object)lookup.findStatic(unsafeClass, "getUnsafe", MethodType.methodType(unsafeClass))
                    .asType(MethodType.methodType(Object.class)).invokeExact();
                define = lookup.findVirtual(unsafeClass, "defineClass", MethodType.methodType(Class.class,
                    String.class, byte[].class, int.class, int.class, ClassLoader.class, ProtectionDomain.class)).bindTo(unsafe);
                reflectiveDefine = null;
            }
            else
            {
                unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
                reflectiveDefine = unsafeClass.getMethod(
                    "defineClass", String.class, byte[].class, int.class, int.class, ClassLoader.class, ProtectionDomain.class);
                define = null;
            }
        }

        @Override
        public void define(final String name, final byte[] bytes) throws Throwable
        {
            if (define != null)
            {
                final Class<?> defined = (Class<?>)define.invokeExact(name, bytes, 0, bytes.length,
                    (ClassLoader)null, (ProtectionDomain)null);
            }
            else
            {
                invokeReflectively(reflectiveDefine, unsafe, name, bytes);
            }
        }
    }

    /** {@code Unsafe.defineClass} through core reflection; a missing supertype surfaces as {@link NoClassDefFoundError}. */
    private static void invokeReflectively(final Method define, final Object unsafe, final String name, final byte[] bytes)
        throws Exception
    {
        try
        {
            define.invoke(unsafe, name, bytes, 0, bytes.length, null, null);
        }
        catch (final InvocationTargetException e)
        {
            if (e.getCause() instanceof NoClassDefFoundError)
            {
                throw (NoClassDefFoundError)e.getCause();
            }
            throw e;
        }
    }
}
